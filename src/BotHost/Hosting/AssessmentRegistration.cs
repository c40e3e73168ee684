using Academy.BotHost.Handlers.Exams;
using Academy.BotHost.Certificates;
using Academy.Learning.Assessment;

namespace Academy.BotHost.Hosting;

/// <summary>Exams, surveys, the completion rule and certificates (issue 5).</summary>
public static class AssessmentRegistration
{
    public static IServiceCollection AddAcademyAssessment(this IServiceCollection services)
    {
        services.AddSingleton<ExamResults>();
        services.AddSingleton<Learning.Assessment.Certificates>();
        services.AddSingleton<Completion>();
        services.AddSingleton<ExamSeeds>();
        services.AddSingleton<Exams>();
        services.AddSingleton<ExamFlow>();
        services.AddSingleton<ExamOutcomes>();
        services.AddOptions<ExamOptions>().BindConfiguration(ExamOptions.Section)
            .Validate(o => o.SweepInterval >= TimeSpan.FromSeconds(1), "Exams:SweepInterval must be at least one second.").ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ExamOptions>>().Value);
        services.AddSingleton<ExamSweep>();
        services.AddHostedService(sp => sp.GetRequiredService<ExamSweep>());
        services.AddSingleton<Surveys>();
        services.AddSingleton<Learning.Statistics.ExamStatistics>();

        services.AddOptions<CertificateOptions>().BindConfiguration(CertificateOptions.Section)
            .Validate(o => o.Validate().Count == 0, "Certificates:PublicBaseUrl must be an absolute http(s) URL.").ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<CertificateOptions>>().Value);
        services.AddSingleton<CertificateLinks>();
        services.AddSingleton<CertificateRenderer>();
        return services;
    }
}
