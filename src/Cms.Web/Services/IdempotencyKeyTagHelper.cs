using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Cms.Web.Services;

/// <summary>
/// Puts a key drawn with the page (<see cref="IdempotencyKeyHandler.FormField"/>) into every form this site posts to itself,
/// so that whatever the form's handler writes through the API is written once however often the form is sent — a double
/// click, a form resent after a lost answer. A form to another origin (the desk's reader bridge) gets none.
/// </summary>
[HtmlTargetElement("form", Attributes = "method")]
public sealed class IdempotencyKeyTagHelper : TagHelper
{
    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        if (!string.Equals(Text(output.Attributes["method"]?.Value), "post", StringComparison.OrdinalIgnoreCase)) return;
        var action = Text(output.Attributes["action"]?.Value);
        if (action.StartsWith("http:", StringComparison.OrdinalIgnoreCase) || action.StartsWith("https:", StringComparison.OrdinalIgnoreCase)
            || action.StartsWith("//", StringComparison.Ordinal)) return;
        output.PostContent.AppendHtml($"<input type=\"hidden\" name=\"{IdempotencyKeyHandler.FormField}\" value=\"{IdempotencyKeyHandler.NewKey()}\" />");
    }

    /// <summary>An attribute's text, whether Razor gave it as a string or as HTML content (<c>action="@url/leggi"</c>).</summary>
    private static string Text(object? value)
    {
        if (value is not IHtmlContent html) return value?.ToString() ?? "";
        using var writer = new StringWriter();
        html.WriteTo(writer, HtmlEncoder.Default);
        return writer.ToString();
    }
}
