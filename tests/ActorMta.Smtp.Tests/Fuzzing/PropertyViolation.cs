namespace ActorMta.Smtp.Fuzzing;

/// <summary>A fuzzing property did not hold; CsCheck adds the seed that replays it.</summary>
internal sealed class PropertyViolation(string message) : Exception(message)
{
    public static void Unless(bool condition, string message)
    {
        if (!condition) throw new PropertyViolation(message);
    }
}
