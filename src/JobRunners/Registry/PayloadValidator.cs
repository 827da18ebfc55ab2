using System.ComponentModel.DataAnnotations;
using System.Reflection;

namespace JobRunners.Registry;

/// <summary>
/// Validates a payload with DataAnnotations. Attributes on a record's primary-constructor parameters count as
/// well as attributes on properties, so <c>record Email([Required] string To)</c> works as a user expects.
/// The attributes are found once, at registration.
/// </summary>
internal sealed class PayloadValidator<TPayload>
{
    private readonly (PropertyInfo Property, ValidationAttribute[] Attributes)[] _parameterRules;
    private readonly bool _hasPropertyRules;

    public PayloadValidator()
    {
        var type = typeof(TPayload);
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance);
        _hasPropertyRules = typeof(IValidatableObject).IsAssignableFrom(type)
            || properties.Any(p => p.GetCustomAttributes<ValidationAttribute>(true).Any());

        var byName = properties.Where(p => p.GetIndexParameters().Length == 0)
            .ToDictionary(p => p.Name, StringComparer.Ordinal);
        _parameterRules = type.GetConstructors()
            .SelectMany(c => c.GetParameters())
            .Where(p => p.Name is not null && byName.ContainsKey(p.Name))
            .Select(p => (Property: byName[p.Name!], Attributes: p.GetCustomAttributes<ValidationAttribute>(true).ToArray()))
            .Where(r => r.Attributes.Length > 0 && !r.Property.GetCustomAttributes<ValidationAttribute>(true).Any())
            .GroupBy(r => r.Property.Name, StringComparer.Ordinal)
            .Select(g => g.First())
            .ToArray();
    }

    /// <summary>True when the type declares any rule; lets the hot path skip validation entirely.</summary>
    public bool HasRules => _hasPropertyRules || _parameterRules.Length > 0;

    public List<PayloadError> Validate(TPayload payload)
    {
        var errors = new List<PayloadError>();
        if (payload is null || !HasRules)
        {
            return errors;
        }

        var results = new List<ValidationResult>();
        if (_hasPropertyRules)
        {
            Validator.TryValidateObject(payload, new ValidationContext(payload), results, validateAllProperties: true);
        }

        foreach (var (property, attributes) in _parameterRules)
        {
            var context = new ValidationContext(payload) { MemberName = property.Name, DisplayName = property.Name };
            Validator.TryValidateValue(property.GetValue(payload)!, context, results, attributes);
        }

        foreach (var result in results)
        {
            var field = result.MemberNames.FirstOrDefault() ?? string.Empty;
            errors.Add(new PayloadError(field, result.ErrorMessage ?? "is invalid"));
        }

        return errors;
    }
}
