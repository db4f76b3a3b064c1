namespace Cms.Domain.Reprint.Contracts;

/// <summary>Why the holder asks for the codes again [M 2.5, T 2.4].</summary>
public enum ReprintReason
{
    Smarrimento,
    Dimenticanza,
    MancataRicezione,
    Altro,
}

/// <summary>The reprint's rules other modules apply too (an interoperability request prints the reason).</summary>
public static class ReprintRules
{
    public static string Label(ReprintReason reason) => reason switch
    {
        ReprintReason.Smarrimento => "Smarrimento dei codici",
        ReprintReason.Dimenticanza => "Dimenticanza dei codici",
        ReprintReason.MancataRicezione => "Mancata ricezione dei codici",
        _ => "Altro",
    };
}
