using Academy.BotHost.Cli;
using Academy.BotHost.Hosting;
using Academy.BotHost.Operations;
using Academy.Scheduler;
using Academy.BotHost.Features.Announcements;
using Academy.BotHost.Features.Certificates;
using Academy.BotHost.Features.Dashboard;

// Academy's one process. Read this file as the table of contents; each line leads to its part.

// Command-line verbs (`import`, `backup`, `restore`, `--version`) run and exit without starting the web host,
// and so does anything it would not understand (usage, exit 2): only configuration (`--urls`, `--Section:Key=value`) starts it.
if (CliVerbs.Handles(args)) return await CliVerbs.RunAsync(args, Console.Out, Console.Error);

var builder = WebApplication.CreateBuilder(AcademyHost.Options(args));
builder.UseAcademyDefaults();                            // http://127.0.0.1:5080 unless --urls / ASPNETCORE_URLS
builder.AddAcademyDeployment();                          // X-Forwarded-* believed only from ForwardedHeaders:KnownProxies (loopback by default)
builder.Services.AddAcademyStore(builder.Configuration); // SQLite (default) or PostgreSQL, per Storage:*
builder.Services.AddAcademyLearning();                   // importer, learner record, catalogs, TimeProvider
builder.Services.AddAcademyChat();                       // inbox → turn pipeline → handlers → outbox → dispatcher
builder.Services.AddAcademyAnnouncements();              // admins' announcements: compose, send or schedule, live delivery report
builder.Services.AddAcademyAssessment();                 // exams, surveys, the completion rule and certificates
builder.AddPlayground();                                 // the browser playground: only on loopback with no real channel, or Playground:Enabled
builder.AddTelegram();                                   // the Telegram channel, when Telegram:BotToken is set
builder.AddBotFramework();                               // Teams, Web Chat … (Bot Framework), when BotFramework:AppId is set or in emulator mode
builder.Services.AddAcademyScheduler(builder.Configuration); // Quartz on the same database: the daily programme, one-off jobs
builder.Services.AddAcademyHealth();                     // /health: store reachable and schema current; scheduler state; /metrics counters
builder.Services.AddAcademyDashboard(builder.Configuration); // /dashboard: one-time sign-in links, pages, exports

var app = builder.Build();
app.UseAcademyDeployment();                              // forwarded headers first; start-up warnings for what a deployer must set
if (!ListenCheck.AddressesAvailable(app, Console.Error)) return 1; // an address in use: one line, before anything starts
await app.Services.MigrateAcademyStoreAsync();           // versioned schema, applied before serving
await app.UsePlaygroundAsync();                          // sample course on first start; the page at /
app.MapTelegram();                                       // the webhook endpoint, in Webhook mode
app.MapBotFramework();                                   // POST /api/messages, tokens checked
app.MapAcademyHealth();
app.MapAcademyMetrics();                                 // Prometheus text: academy_* counters and store gauges
app.MapAcademyDashboard();                               // the web dashboard for liaisons and admins
app.MapAcademyVerify();                                  // /verify/{code}: public certificate verification
return await app.RunOrExplainAsync(Console.Error);     // a bind failure found late: the same one line

/// <summary>Visible to the host tests (WebApplicationFactory).</summary>
public partial class Program;
