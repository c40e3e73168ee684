namespace Academy.Tests; public class P { [Fact] public void X() {} }
