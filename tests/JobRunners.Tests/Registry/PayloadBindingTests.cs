using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using JobRunners.Registry;
using NUnit.Framework;

namespace JobRunners.Tests.Registry;

[TestFixture]
public sealed class PayloadBindingTests
{
    public sealed record Invoice([Required] string Customer, [System.ComponentModel.DataAnnotations.Range(1, 100)] int Lines = 5, [StringLength(3, MinimumLength = 3)] string Currency = "EUR");

    public sealed record WithPropertyRules
    {
        [Required]
        [EmailAddress]
        public string? To { get; init; }
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly PayloadBinder<Invoice> _binder = new("job", "invoice", Json);

    [Test]
    public void Bind_TypedPayload_ReturnsSameInstance()
    {
        var invoice = new Invoice("acme");

        Assert.That(_binder.Bind(invoice), Is.SameAs(invoice));
    }

    [Test]
    public void Bind_AnonymousObjectMissingOptionalFields_UsesRecordDefaults()
    {
        var bound = _binder.Bind(new { customer = "acme" });

        Assert.That(bound, Is.EqualTo(new Invoice("acme", 5, "EUR")));
    }

    [Test]
    public void Bind_JsonString_Deserializes()
    {
        Assert.That(_binder.Bind("""{"customer":"acme","lines":7}"""), Is.EqualTo(new Invoice("acme", 7)));
    }

    [Test]
    public void Bind_JsonElement_Deserializes()
    {
        var element = JsonSerializer.SerializeToElement(new { customer = "acme", currency = "USD" });

        Assert.That(_binder.Bind(element), Is.EqualTo(new Invoice("acme", 5, "USD")));
    }

    [Test]
    public void Bind_ConstructorParameterAttributesViolated_NamesEveryField()
    {
        var error = Assert.Throws<PayloadValidationException>(() => _binder.Bind(new Invoice(null!, 500, "EURO")));

        Assert.That(error!.Errors.Select(e => e.Field), Is.EquivalentTo(new[] { "Customer", "Lines", "Currency" }));
        Assert.That(error.Message, Does.StartWith("The payload for job 'invoice' is invalid:"));
    }

    [Test]
    public void Bind_PropertyAttributesViolated_NamesField()
    {
        var binder = new PayloadBinder<WithPropertyRules>("task", "mail", Json);

        var error = Assert.Throws<PayloadValidationException>(() => binder.Bind(new WithPropertyRules { To = "not-an-address" }));

        Assert.That(error!.Errors.Single().Field, Is.EqualTo("To"));
    }

    [Test]
    public void Bind_WrongJsonType_NamesThePath()
    {
        var error = Assert.Throws<PayloadValidationException>(() => _binder.Bind("""{"customer":"acme","lines":"many"}"""));

        Assert.That(error!.Errors.Single().Field, Is.EqualTo("lines"));
    }

    [Test]
    public void Bind_Null_FailsNamingTheType()
    {
        var error = Assert.Throws<PayloadValidationException>(() => _binder.Bind(null));

        Assert.That(error!.Message, Does.Contain(nameof(Invoice)));
    }

    [Test]
    public void FromJson_RoundTripsWhatBindWrote()
    {
        var invoice = new Invoice("acme", 9, "GBP");

        Assert.That(_binder.FromJson(_binder.ToJson(invoice)), Is.EqualTo(invoice));
    }
}
