using System.Diagnostics;
using System.Globalization;
using System.Text;
using CrmCloud.Bench;
using CrmCloud.Bench.Seed;

// bench/Seed: test data for the measurements of bench/README.md.
//   people --tenant t --count 1000000 --connection "<contacts database>" [--seed 42] [--companies n] [--tenants n]
//   csv --count 100000 --out people.csv [--seed 42]
//   audience --tenant t --count 1000000 --connection "<campaign database>" [--seed 42]
var options = Options.Parse(args.Skip(1));
try
{
    return args.FirstOrDefault() switch
    {
        "people" => await SeedPeopleAsync(options),
        "csv" => await WriteCsvAsync(options),
        "audience" => await SeedAudienceAsync(options),
        _ => Usage(),
    };
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    return Usage();
}

static async Task<int> SeedPeopleAsync(Options options)
{
    var tenant = options.Required("tenant");
    var count = options.Number("count", 1_000_000);
    var companies = options.Number("companies", Math.Max(1, count / 200));
    var seed = options.Number("seed", 42);
    var tenants = options.Number("tenants", 1);
    var total = Stopwatch.StartNew();
    // Several tenants: <tenant>-1 ... <tenant>-n, each from a seed of its own (the ids come from it).
    for (var index = 1; index <= tenants; index++)
    {
        var name = tenants == 1 ? tenant : $"{tenant}-{index}";
        var clock = Stopwatch.StartNew();
        var copied = await PeopleCopy.RunAsync(options.Required("connection"), name, count, companies, seed + index - 1, CancellationToken.None);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"seeded {copied.People} people and {copied.Companies} companies for tenant {name} in {clock.Elapsed.TotalSeconds:0.0} s ({copied.People / clock.Elapsed.TotalSeconds:0} people/s, ANALYZE included)"));
    }

    if (tenants > 1)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seeded {tenants} tenants of {count} people in {total.Elapsed.TotalSeconds:0.0} s"));
    }

    return 0;
}

static async Task<int> SeedAudienceAsync(Options options)
{
    var tenant = options.Required("tenant");
    var clock = Stopwatch.StartNew();
    var copied = await AudienceCopy.RunAsync(options.Required("connection"), tenant, options.Number("count", 1_000_000), options.Number("seed", 42), CancellationToken.None);
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"seeded {copied.Members} audience members, {copied.Consents} consents, {copied.Orders} orders and {copied.Tickets} tickets for tenant {tenant} in {clock.Elapsed.TotalSeconds:0.0} s (ANALYZE included)"));
    return 0;
}

static async Task<int> WriteCsvAsync(Options options)
{
    var count = options.Number("count", 100_000);
    var path = options.Required("out");
    var random = new Random(options.Number("seed", 42));
    var bad = 0;
    await using var file = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    await file.WriteAsync("firstName,lastName,email,phone,jobTitle\r\n");
    for (var index = 0; index < count; index++)
    {
        var person = SeedData.Person(random, index);
        // One row in a thousand is wrong on purpose, in the ways real files are: the import reports each and goes on.
        var line = (index % 1000) switch
        {
            500 => Row(person with { Email = $"{SeedData.Local(person.LastName)}-at-nowhere" }),
            750 => Row(person with { LastName = "" }),
            999 => $"{person.FirstName},\"{person.LastName}\"x,{person.Email},,\r\n",
            _ => Row(person),
        };
        bad += index % 1000 is 500 or 750 or 999 ? 1 : 0;
        await file.WriteAsync(line);
    }

    Console.WriteLine($"wrote {count} rows to {path} ({bad} of them bad on purpose)");
    return 0;
}

static string Row(SeedPerson person) =>
    string.Join(',', new[] { person.FirstName, person.LastName, person.Email, person.Phone, person.JobTitle }.Select(Quote)) + "\r\n";

// RFC 4180: a cell holding a comma, a quote or a line break is quoted, its quotes doubled.
static string Quote(string? cell) =>
    cell is null ? "" : cell.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{cell.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : cell;

static int Usage()
{
    Console.Error.WriteLine("""
        Usage:
          people --tenant <tenant> --count <n> --connection "<contacts database connection string>" [--companies <n>] [--seed <n>] [--tenants <n>]
          csv --count <n> --out <file.csv> [--seed <n>]
          audience --tenant <tenant> --count <n> --connection "<campaign database connection string>" [--seed <n>]
        """);
    return 2;
}
