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
        services.AddSingleton<Learning.Statistics.ExamStatistics>();

        services.AddOptions<CertificateOptions>().BindConfiguration(CertificateOptions.Section)
            .Validate(o => o.Validate().Count == 0, "Certificates:PublicBaseUrl must be an absolute http(s) URL.").ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<CertificateOptions>>().Value);
        services.AddSingleton<CertificateLinks>();
        services.AddSingleton<CertificateRenderer>();
        return services;
    }
}
