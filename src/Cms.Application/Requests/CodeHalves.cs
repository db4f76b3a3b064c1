using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Options;

namespace Cms.Application.Requests;

/// <summary>
/// Every release splits each code in two: the first part is printed at the counter, the second is sent
/// to the holder. Nobody ever sees both [S 9.3.3].
/// </summary>
public sealed record CodeParts(string Pin, string Puk, string Cip)
{
    public override string ToString() => "CodeParts { *** }";
}

public static class CodeHalves
{
    public static (CodeParts First, CodeParts Second) Split(CardCodes codes, CodeLengthOptions lengths) =>
        (new CodeParts(codes.Pin[..lengths.PinPrintedDigits], codes.Puk[..lengths.PukPrintedDigits], codes.Cip[..lengths.CipPrintedDigits]),
         new CodeParts(codes.Pin[lengths.PinPrintedDigits..], codes.Puk[lengths.PukPrintedDigits..], codes.Cip[lengths.CipPrintedDigits..]));
}
