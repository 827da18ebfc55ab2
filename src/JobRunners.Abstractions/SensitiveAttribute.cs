namespace JobRunners;

/// <summary>
/// Marks a payload member as a secret (a password, a token, personal data): wherever JobRunners shows a payload
/// (the <c>jobrunners</c> CLI, and <c>PayloadMasking</c> / <c>JobRegistry.MaskPayload</c> for logs and pages) its value is replaced by
/// <c>***</c>. The stored row keeps the value, since the handler needs it. On a record's positional parameter the
/// attribute may be written plainly or as <c>[property: Sensitive]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter, Inherited = true)]
public sealed class SensitiveAttribute : Attribute
{
}
