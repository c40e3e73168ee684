using Academy.Learning.Assessment;

namespace Academy.BotHost.Hosting;

/// <summary>Exams, surveys, the completion rule and certificates (issue 5).</summary>
public static class AssessmentRegistration
{
    public static IServiceCollection AddAcademyAssessment(this IServiceCollection services)
    {
        services.AddSingleton<ExamResults>();
        services.AddSingleton<Certificates>();
        services.AddSingleton<Completion>();
        services.AddSingleton<Surveys>();
        return services;
    }
}
