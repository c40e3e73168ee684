namespace Academy.Learning; internal static class Placeholder {}
