namespace Academy.Scheduler; internal static class Placeholder {}
