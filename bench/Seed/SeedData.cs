namespace CrmCloud.Bench;

/// <summary>A person as the seed makes them; <see cref="Email"/> is unique per index.</summary>
public sealed record SeedPerson(string FirstName, string LastName, string? Email, string? Phone, string? JobTitle);

/// <summary>
/// Realistic, varied and deterministic contact data: the same seed gives the same people, so figures measured on
/// two machines (or two commits) are measured on the same data. Shared by the seed and the measuring commands,
/// so searches look for the kind of people that are there.
/// </summary>
public static class SeedData
{
    public static readonly string[] FirstNames =
    [
        "Ada", "Alan", "Grace", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Frances", "Edsger", "Katherine", "John",
        "Mary", "James", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William", "Elizabeth", "David", "Susan",
        "Richard", "Jessica", "Joseph", "Sarah", "Thomas", "Karen", "Charles", "Nancy", "Christopher", "Lisa", "Daniel",
        "Betty", "Matthew", "Sandra", "Anthony", "Ashley", "Mark", "Emily", "Paul", "Donna", "Steven", "Michelle", "Andrew",
        "Carol", "Joshua", "Amanda", "Kenneth", "Melissa", "Kevin", "Deborah", "Brian", "Stephanie", "George", "Rebecca",
        "Timothy", "Sharon", "Ronald", "Laura", "Jason", "Cynthia", "Edward", "Amy", "Jeffrey", "Angela", "Ryan", "Helen",
        "Jacob", "Anna", "Gary", "Brenda", "Nicholas", "Pamela", "Eric", "Nicole", "Jonathan", "Samantha", "Stephen",
        "Katharina", "Lukas", "Sophie", "Maximilian", "Marie", "Felix", "Lea", "Jonas", "Hannah", "Leon", "Mia", "Paul",
        "Chloé", "Louis", "Camille", "Hugo", "Manon", "Jules", "Inès", "Lucas", "Sofia", "Mateo", "Lucía", "Santiago",
        "Valentina", "Diego", "Giulia", "Lorenzo", "Chiara", "Matteo", "Aiko", "Haruto", "Yui", "Sota", "Priya", "Arjun",
        "Ananya", "Rohan", "Wei", "Mei", "Jun", "Li", "Olumide", "Chiamaka", "Kwame", "Amara", "Søren", "Ingrid", "Björn",
        "Astrid", "Oskar", "Freja", "Mikael", "Elin", "Noah", "Olivia", "Liam", "Emma", "Ethan", "Ava", "Mason", "Isabella",
    ];

    public static readonly string[] LastNames =
    [
        "Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson", "Allen", "Dijkstra",
        "Johnson", "Smith", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Hernandez",
        "Lopez", "Gonzalez", "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Perez",
        "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "King", "Wright", "Scott",
        "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell",
        "Carter", "Roberts", "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
        "Hoffmann", "Dubois", "Lefebvre", "Moreau", "Laurent", "Simon", "Michel", "Bernard", "Rossi", "Russo", "Ferrari",
        "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito",
        "Yamamoto", "Patel", "Sharma", "Singh", "Kumar", "Gupta", "Chen", "Wang", "Zhang", "Liu", "Yang", "Okafor",
        "Adeyemi", "Mensah", "Nielsen", "Jensen", "Hansen", "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson",
        "O'Brien", "O'Connor", "McCarthy", "Murphy", "Kelly", "Byrne", "Walsh", "Novak", "Kowalski", "Nowak", "Wiśniewski",
        "Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Fernandes", "Van der Berg", "De Vries", "Jansen",
    ];

    public static readonly string[] JobTitles =
    [
        "Account Executive", "Sales Manager", "Chief Executive Officer", "Chief Technology Officer", "Head of Marketing",
        "Marketing Manager", "Product Manager", "Software Engineer", "Senior Software Engineer", "Data Analyst",
        "Operations Manager", "Office Manager", "Procurement Lead", "Finance Director", "Controller", "HR Business Partner",
        "Customer Success Manager", "Support Engineer", "Solutions Architect", "Consultant", "Project Manager",
        "Purchasing Agent", "Managing Director", "Founder", "VP Sales", "VP Engineering", "Business Analyst", "Designer",
    ];

    public static readonly string[] MailDomains =
    [
        "gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me", "gmx.de", "web.de", "orange.fr", "libero.it",
        "example.com", "example.org", "acme.test", "initech.test", "globex.test", "umbrella.test", "hooli.test",
    ];

    public static readonly string[] CompanyWords =
    [
        "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Tyrell", "Cyberdyne", "Soylent",
        "Aperture", "Vandelay", "Dunder", "Pied", "Prestige", "Oceanic", "Massive", "Gringotts", "Monarch", "Nakatomi",
        "Blue", "Green", "North", "South", "Atlas", "Apex", "Summit", "Vertex", "Nimbus", "Quantum", "Pioneer", "Harbor",
    ];

    public static readonly string[] CompanyKinds =
    [
        "Industries", "Systems", "Labs", "Logistics", "Consulting", "Analytics", "Foods", "Energy", "Health", "Capital",
        "Software", "Robotics", "Media", "Retail", "Manufacturing", "Partners", "Group", "Holdings", "Solutions", "Works",
    ];

    /// <summary>Phone formats by country: their digits are what phone searches look for.</summary>
    private static readonly string[] PhoneFormats = ["+44 20 #### ####", "+1 (###) ###-####", "+49 30 ########", "+33 1 ## ## ## ##", "+39 06 ########", "+81 3-####-####"];

    public static T Pick<T>(this Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>The person at <paramref name="index"/>: most with an email, many with a phone and a job title.</summary>
    public static SeedPerson Person(Random random, int index)
    {
        var first = random.Pick(FirstNames);
        var last = random.Pick(LastNames);
        var email = random.NextDouble() < 0.9
            ? $"{Local(first)}.{Local(last)}.{index}@{random.Pick(MailDomains)}"
            : null;
        var phone = random.NextDouble() < 0.7 ? Phone(random) : null;
        var jobTitle = random.NextDouble() < 0.6 ? random.Pick(JobTitles) : null;
        return new SeedPerson(random.NextDouble() < 0.97 ? first : "", last, email, phone, jobTitle);
    }

    public static string Phone(Random random) =>
        string.Concat(random.Pick(PhoneFormats).Select(c => c == '#' ? (char)('0' + random.Next(10)) : c));

    /// <summary>
    /// <paramref name="word"/> in lower case as a hurried typist enters it: a letter dropped, two swapped or one doubled
    /// (words under five letters stay as they are, too short for trigrams to survive a typo).
    /// </summary>
    public static string Typo(Random random, string word)
    {
        if (word.Length < 5)
        {
            return word.ToLowerInvariant();
        }

        var at = 1 + random.Next(word.Length - 2);
        var typo = random.Next(3) switch
        {
            0 => word.Remove(at, 1),
            1 => string.Concat(word.AsSpan(0, at), word.AsSpan(at + 1, 1), word.AsSpan(at, 1), word.AsSpan(at + 2)),
            _ => word.Insert(at, word[at].ToString()),
        };
        return typo.ToLowerInvariant();
    }

    /// <summary>A name as the local part of an email: lower case, letters only ("O'Brien" → "obrien").</summary>
    public static string Local(string name) =>
        new([.. name.Normalize(System.Text.NormalizationForm.FormD).Where(char.IsAsciiLetter).Select(char.ToLowerInvariant)]);
}
