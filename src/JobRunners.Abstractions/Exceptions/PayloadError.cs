namespace JobRunners;

/// <summary>One problem with a payload.</summary>
/// <param name="Field">The payload member at fault (JSON path or property name), or empty for the whole payload.</param>
/// <param name="Message">What is wrong with it.</param>
public sealed record PayloadError(string Field, string Message)
{
    /// <inheritdoc />
    public override string ToString() => string.IsNullOrEmpty(Field) ? Message.TrimEnd('.') : $"{Field}: {Message.TrimEnd('.')}";
}
