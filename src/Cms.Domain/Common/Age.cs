namespace Cms.Domain.Common;

public static class Age
{
    public const int AdultAge = 18;

    public static int YearsOn(DateOnly birthDate, DateOnly on)
    {
        var years = on.Year - birthDate.Year;
        if (on < birthDate.AddYears(years)) years--;
        return years;
    }

    public static bool IsMinorOn(DateOnly birthDate, DateOnly on) => YearsOn(birthDate, on) < AdultAge;
}
