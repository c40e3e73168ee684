using Academy.BotHost.Features.Announcements;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Exams;
using Academy.Learning.Credit;
using Academy.Learning.Exams;
using Academy.Learning.Surveys;

namespace Academy.BotHost.Hosting;

/// <summary>Exams, surveys, the completion rule and certificates (issue 5).</summary>
public static class AssessmentRegistration
{
    public static IServiceCollection AddAcademyAssessment(this IServiceCollection services)
    {
        services.AddSingleton<ExamResults>();
        services.AddSingleton<Academy.Learning.Credit.Certificates>();
        services.AddSingleton<Completion>();
        services.AddSingleton<ExamSeeds>();
        services.AddSingleton<ExamService>();
        services.AddSingleton<ExamFlow>();
        services.AddSingleton<ExamOutcomes>();
        services.AddOptions<ExamOptions>().BindConfiguration(ExamOptions.Section)
            .Validate(o => o.SweepInterval >= TimeSpan.FromSeconds(1), "Exams:SweepInterval must be at least one second.").ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ExamOptions>>().Value);
        services.AddSingleton<ExamSweep>();
        services.AddSingleton<Academy.Scheduler.IRecurringTask>(sp => sp.GetRequiredService<ExamSweep>()); // run by the scheduler: none with Scheduler:Enabled false
        services.AddSingleton<SurveyService>();
        services.AddSingleton<Academy.Learning.Exams.ExamStatistics>();

        services.AddOptions<CertificateOptions>().BindConfiguration(CertificateOptions.Section)
            .Validate(o => o.Validate().Count == 0, "Certificates:PublicBaseUrl must be an absolute http(s) URL.").ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<CertificateOptions>>().Value);
        services.AddSingleton<CertificateLinks>();
        services.AddSingleton<CertificateRenderer>();
        return services;
    }
}
