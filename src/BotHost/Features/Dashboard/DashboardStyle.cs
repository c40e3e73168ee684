namespace Academy.BotHost.Features.Dashboard;

/// <summary>The dashboard's one stylesheet: mobile first (one column, tables that scroll sideways), wider screens get a grid.</summary>
public static class DashboardStyle
{
    public const string Css = """
        *{box-sizing:border-box}
        body{margin:0;font-family:"Noto Sans CJK SC","DejaVu Sans",system-ui,sans-serif;color:#1b1b1b;background:#f4f6f8;line-height:1.45}
        header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;padding:.6rem 1rem;background:#1f3a5f;color:#fff}
        header a{color:#fff}
        .brand{font-weight:700;margin-right:auto}
        nav a{margin-right:.9rem;text-decoration:none}
        nav a[aria-current=page]{text-decoration:underline;font-weight:700}
        .tools{display:flex;gap:.8rem;align-items:center}
        .langs{margin:0}
        .langs button{margin-right:.4rem;padding:0;border:0;background:none;color:#fff;font-size:.9rem;opacity:.8}
        .langs button[aria-current=true]{opacity:1;font-weight:700;text-decoration:underline}
        button{font:inherit;padding:.45rem .9rem;border-radius:6px;border:1px solid #1f3a5f;background:#fff;color:#1f3a5f;cursor:pointer}
        #continue{background:#1f3a5f;color:#fff;font-size:1.1rem;padding:.7rem 1.4rem}
        main{max-width:1100px;margin:0 auto;padding:1rem}
        h1{font-size:1.4rem;margin:.4rem 0 .8rem}
        h2{font-size:1.1rem;margin:1.6rem 0 .6rem}
        .lead{font-size:1.05rem;color:#333}
        .crumbs a{color:#1f3a5f}
        .cohorts a{margin-right:.8rem;color:#1f3a5f}
        .cohorts a.current{font-weight:700}
        .figures{display:grid;grid-template-columns:1fr 1fr;gap:.6rem}
        .figure{background:#fff;border-radius:8px;padding:.8rem;box-shadow:0 1px 2px rgba(0,0,0,.08)}
        .figure .value{font-size:1.8rem;font-weight:700;color:#1f3a5f}
        .figure .label{font-weight:600}
        .figure .detail{font-size:.85rem;color:#555}
        .chart{margin:0;background:#fff;border-radius:8px;padding:.4rem}
        .chart svg{width:100%;height:auto;display:block}
        .scroll{overflow-x:auto;background:#fff;border-radius:8px}
        table{border-collapse:collapse;width:100%;font-size:.92rem}
        th,td{padding:.45rem .6rem;border-bottom:1px solid #e3e6ea;text-align:left;white-space:nowrap}
        th{background:#eef1f5}
        td a{color:#1f3a5f}
        td.text{white-space:normal;overflow-wrap:anywhere;min-width:12rem;max-width:26rem}
        #announcements td{white-space:normal}
        td.text summary{cursor:pointer}
        td.text .full{margin-top:.3rem;white-space:pre-wrap}
        .zone{font-size:.9rem;color:#555}
        .empty{color:#555;font-style:italic;background:#fff;border-radius:8px;padding:.8rem}
        .exports li{margin:.4rem 0}
        .exports a{margin-left:.5rem;color:#1f3a5f}
        @media (min-width:800px){.figures{grid-template-columns:repeat(4,1fr)}main{padding:1.5rem}}
        """;
}
