using Academy.BotHost.Channels;
using Academy.BotHost.Dispatch;
using Academy.BotHost.Playground;
using Academy.Learning.Daily;
using Academy.Learning.Messaging;
using Academy.BotHost.Chat;
using Academy.BotHost.Features.Announcements;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Daily;
using Academy.BotHost.Features.Dashboard;
using Academy.BotHost.Features.Exams;
using Academy.BotHost.Features.Groups;
using Academy.BotHost.Features.Liaison;
using Academy.BotHost.Features.Registration;
using Academy.BotHost.Features.Surveys;
using Academy.Learning.People;

namespace Academy.BotHost.Hosting;

/// <summary>The chat front end: inbox, turn pipeline and its handlers, outbox dispatcher, and the channels.</summary>
public static class ChatRegistration
{
    public static IServiceCollection AddAcademyChat(this IServiceCollection services)
    {
        services.AddSingleton<Outbox>();
        // Charts are SVG; channels that show only raster pictures rasterise them at send time.
        services.AddSingleton(sp => new SvgRasterizer(sp.GetRequiredService<ILogger<SvgRasterizer>>()));
        services.AddSingleton<LearnerDirectory>();
        services.AddSingleton<Programme>();
        services.AddSingleton<Digests>();
        services.AddSingleton<DailyProgramme>();
        services.AddSingleton<InboxStore>();
        services.AddSingleton<TurnPipeline>();
        services.AddSingleton<Refusals>();
        services.AddSingleton<Nudges>();
        services.AddSingleton<LiaisonGroups>();
        services.AddSingleton<Academy.Learning.People.Registration>();
        services.AddSingleton<RegistrationFlow>();

        // The first handler that matches an event takes it; one class per command, button or event.
        services.AddSingleton<TurnHandler, StartHandler>();
        services.AddSingleton<TurnHandler, LanguageButtonHandler>();
        services.AddSingleton<TurnHandler, ContactHandler>();
        services.AddSingleton<TurnHandler, TypedPhoneHandler>();
        services.AddSingleton<TurnHandler, ExamHandler>();
        services.AddSingleton<TurnHandler, ExamStartButtonHandler>();
        services.AddSingleton<TurnHandler, ExamAnswerButtonHandler>();
        services.AddSingleton<TurnHandler, ExamTypedAnswerHandler>(); // after TypedPhoneHandler; wants only answers to a waiting fill-in question
        services.AddSingleton<TurnHandler, HelpHandler>();
        services.AddSingleton<TurnHandler, MeHandler>();
        services.AddSingleton<TurnHandler, BindHandler>();
        services.AddSingleton<TurnHandler, PushHandler>();
        services.AddSingleton<TurnHandler, DashboardHandler>();
        services.AddSingleton<TurnHandler, CheckInButtonHandler>();
        services.AddSingleton<TurnHandler, LessonReadButtonHandler>();
        services.AddSingleton<TurnHandler, QuizButtonHandler>();
        services.AddSingleton<TurnHandler, PollAnswerHandler>();
        services.AddSingleton<TurnHandler, TodayHandler>();
        services.AddSingleton<TurnHandler, NudgeButtonHandler>();
        services.AddSingleton<TurnHandler, SummaryHandler>();
        services.AddSingleton<TurnHandler, SurveyHandler>();
        services.AddSingleton<TurnHandler, SurveyButtonHandler>();
        services.AddSingleton<TurnHandler, SurveyTextHandler>();
        services.AddSingleton<TurnHandler, CertificateHandler>();
        services.AddSingleton<TurnHandler, BotAddedHandler>();
        services.AddSingleton<TurnHandler, BotRemovedHandler>();
        services.AddSingleton<TurnHandler, ChatMigratedHandler>();

        services.AddSingleton<InboxProcessor>();
        services.AddHostedService(sp => sp.GetRequiredService<InboxProcessor>());
        services.AddOptions<DispatchOptions>().BindConfiguration(DispatchOptions.Section)
            .Validate(o => o.SendLease >= TimeSpan.FromSeconds(1), "Outbox:SendLease must be at least one second.")
            .Validate(o => o.RateShare is > 0 and <= 1, "Outbox:RateShare must be above 0 and at most 1.").ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<DispatchOptions>>().Value);
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        return services;
    }

    /// <summary>
    /// The browser playground channel: on by itself only with no real chat channel configured and
    /// every listening address on loopback; <c>Playground:Enabled</c> true or false decides outright.
    /// </summary>
    public static WebApplicationBuilder AddPlayground(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Configuration.GetSection(PlaygroundOptions.Section).Get<PlaygroundOptions>() ?? new PlaygroundOptions();
        var state = PlaygroundSwitch.Decide(builder.Configuration, options.Enabled);
        options.Enabled = state.On;
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(state);
        builder.Services.AddHealthChecks().AddCheck<PlaygroundHealthCheck>("playground");
        if (!state.On) return builder;
        builder.Services.AddSingleton<IInboundMapper, PlaygroundMapper>();
        builder.Services.AddSingleton<IChannelClient, PlaygroundClient>();
        builder.Services.AddSingleton<PlaygroundSeeder>();
        return builder;
    }

    public static async Task<WebApplication> UsePlaygroundAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var state = app.Services.GetRequiredService<PlaygroundSwitch>();
        if (!state.On) return app;
        if (state.Explicit) app.Services.GetRequiredService<Operations.StartupWarnings>().Add(PlaygroundSwitch.WarningKey, PlaygroundSwitch.ExplicitWarning);
        var options = app.Services.GetRequiredService<PlaygroundOptions>();
        if (options.SeedSample) await app.Services.GetRequiredService<PlaygroundSeeder>().SeedIfEmptyAsync();
        app.MapPlayground();
        return app;
    }
}
