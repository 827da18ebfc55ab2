using System.Text.Json;

namespace JobRunners.Registry;

/// <summary>
/// Turns whatever the caller passed into the registered payload type, then validates it. A payload of the
/// registered type is used as is (no copy, no serialization); anything else goes through JSON, so anonymous
/// objects, dictionaries, JSON strings and <see cref="JsonElement"/> all work, and a record's default parameter
/// values fill in what is missing.
/// </summary>
internal sealed class PayloadBinder<TPayload>
{
    private readonly string _kind;
    private readonly string _name;
    private readonly JsonSerializerOptions _json;
    private readonly PayloadValidator<TPayload> _validator = new();

    public PayloadBinder(string kind, string name, JsonSerializerOptions json)
    {
        _kind = kind;
        _name = name;
        _json = json;
    }

    /// <summary>Binds and validates a payload given at dispatch.</summary>
    /// <exception cref="PayloadValidationException">The payload cannot become a valid <typeparamref name="TPayload"/>.</exception>
    public TPayload Bind(object? payload) =>
        Validated(payload is TPayload typed ? typed : Convert(payload));

    // Kept apart from Bind: lambdas capturing pattern variables would allocate a closure on every call, typed or not.
    private TPayload Convert(object? payload) => payload switch
    {
        null => throw Invalid(new PayloadError(string.Empty, $"a payload of type {typeof(TPayload).Name} is required, got null")),
        string json => FromJson(json),
        JsonElement element => FromElement(element),
        JsonDocument document => FromElement(document.RootElement),
        _ => FromElement(JsonSerializer.SerializeToElement(payload, payload.GetType(), _json)),
    };

    private TPayload FromElement(JsonElement element) => Deserialize(() => element.Deserialize<TPayload>(_json));

    /// <summary>
    /// Binds and validates a payload read from a message or a row: the same rules as at dispatch, since anyone
    /// with access to the queue can put a payload on it.
    /// </summary>
    /// <exception cref="PayloadValidationException">The JSON does not fit, or breaks a rule.</exception>
    public TPayload Read(string json) => Validated(FromJson(json));

    /// <summary>Binds a payload read back from a row or an envelope (JSON written at dispatch), without validation.</summary>
    public TPayload FromJson(string json) => Deserialize(() => JsonSerializer.Deserialize<TPayload>(json, _json));

    public string ToJson(TPayload payload) => JsonSerializer.Serialize(payload, _json);

    private TPayload Validated(TPayload value)
    {
        if (!_validator.HasRules)
        {
            return value;
        }

        var errors = _validator.Validate(value);
        return errors.Count == 0 ? value : throw new PayloadValidationException(_kind, _name, errors);
    }

    private TPayload Deserialize(Func<TPayload?> read)
    {
        try
        {
            return read() ?? throw Invalid(new PayloadError(string.Empty, $"the JSON is null; a {typeof(TPayload).Name} is required"));
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? string.Empty : ex.Path.TrimStart('$', '.');
            throw Invalid(new PayloadError(field, $"does not fit {typeof(TPayload).Name}: {FirstSentence(ex.Message)}"));
        }
        catch (NotSupportedException ex)
        {
            throw Invalid(new PayloadError(string.Empty, $"cannot be converted to {typeof(TPayload).Name}: {FirstSentence(ex.Message)}"));
        }
    }

    private PayloadValidationException Invalid(PayloadError error) => new(_kind, _name, [error]);

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message.TrimEnd('.') : message[..end];
    }
}
