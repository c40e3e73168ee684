using Academy.Scheduler;
using Academy.BotHost.Chat;
using Academy.BotHost.Hosting;

namespace Academy.BotHost.Features.Announcements;

/// <summary>Admins' announcements: the chat flow's handlers, the scheduled send, and the live delivery reports.</summary>
public static class AnnouncementRegistration
{
    public static IServiceCollection AddAcademyAnnouncements(this IServiceCollection services)
    {
        services.AddSingleton<Academy.Learning.Announcements.AnnouncementService>();
        services.AddSingleton<TurnHandler, AnnounceCommandHandler>();
        services.AddSingleton<TurnHandler, AnnouncementsCommandHandler>();
        services.AddSingleton<TurnHandler, AnnouncementAudienceButtonHandler>();
        services.AddSingleton<TurnHandler, AnnouncementWhenButtonHandler>();
        services.AddSingleton<TurnHandler, AnnouncementConfirmButtonHandler>();
        services.AddSingleton<TurnHandler, AnnouncementCancelButtonHandler>();
        services.AddSingleton<TurnHandler, AnnouncementRefreshButtonHandler>();
        services.AddSingleton<TurnHandler, AnnouncementReadButtonHandler>();
        // Private messages other than commands: only an admin composing an announcement is answered.
        services.AddSingleton<TurnHandler, AnnouncementDraftMessageHandler>();
        services.AddSingleton<IOneOffTask, AnnouncementSendTask>();
        services.AddOptions<AnnouncementOptions>().BindConfiguration(AnnouncementOptions.Section)
            .Validate(o => o.ReportInterval >= TimeSpan.FromMilliseconds(200), "Announcements:ReportInterval must be at least 200 ms.").ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<AnnouncementOptions>>().Value);
        services.AddSingleton<IRecurringTask, AnnouncementReporter>(); // run by the scheduler: none with Scheduler:Enabled false
        return services;
    }
}
