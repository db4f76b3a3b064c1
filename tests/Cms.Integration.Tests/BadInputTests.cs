using System.Net;
using System.Text;
using Cms.Integration.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Cms.Integration.Tests;

/// <summary>Sends malformed input to every endpoint that takes a body or a route value: never a 500.</summary>
public class BadInputTests(CmsFactory factory) : ApiTest(factory)
{
    private static readonly string[] Bodies =
    [
        "", "null", "[]", "\"text\"", "42", "{", "{}", "{\"codiceFiscale\":123}", "{\"codiceFiscale\":null,\"password\":null}",
        "{\"chip\":\"x\"}", "{\"chip\":{\"cardNumber\":[1]}}", "{\"cardNumber\":\"" + new string('9', 5000) + "\"}",
        "{\"type\":\"NOT_A_TYPE\"}", "{\"roles\":\"Operator\"}", "{\"roles\":[null]}", "{\"enabledForCms\":\"yes\"}",
        "{\"expiryDate\":\"2030-02-30\",\"codiceFiscale\":\"RSSMRA80A01H501U\",\"cardNumberLast5\":\"12345\"}",
        "{\"codiceFiscale\":\"ÀÈÌÒÙàèìòù\\u0000\\uffff\"}", "{\"a\":" + new string('[', 100) + new string(']', 100) + "}",
    ];

    private static readonly string[] RouteValues = ["x", "0", "-1", "%00", "ÀÈ", "80380000900000000001", new string('A', 300), "00000000-0000-0000-0000-000000000000"];

    [Fact]
    public async Task No_malformed_body_or_route_value_yields_a_server_error()
    {
        var admin = await AdminAsync();
        var (operatorClient, _, _) = await ActorAsync("Operator");
        var (issuer, _, _) = await ActorAsync("Issuer");
        var clients = new[] { Anonymous(), admin, operatorClient, issuer };

        var endpoints = Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Methods: e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"], Pattern: "/" + e.RoutePattern.RawText!.TrimStart('/')))
            .ToList();
        var failures = new List<string>();
        foreach (var (methods, pattern) in endpoints)
        {
            foreach (var method in methods)
            {
                foreach (var route in pattern.Contains('{') ? RouteValues : [""])
                {
                    var path = System.Text.RegularExpressions.Regex.Replace(pattern, "\\{[^}]+\\}", Uri.EscapeDataString(route));
                    foreach (var body in method is "POST" or "PUT" ? Bodies : [""])
                    {
                        foreach (var client in clients)
                        {
                            using var request = new HttpRequestMessage(new HttpMethod(method), path);
                            if (method is "POST" or "PUT") request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                            using var response = await client.SendAsync(request);
                            if ((int)response.StatusCode >= 500)
                                failures.Add($"{method} {path} {body[..Math.Min(body.Length, 60)]} → {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                        }
                    }
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }
}
