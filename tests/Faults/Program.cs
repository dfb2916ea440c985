// The fault drill and the error-queue replay: see README.md ("Faults under load").
//   Faults [--short] [--keep-state]                      start the system, drive load, inject the faults, check, print the table
//   Faults replay-errors [--state <dir>] [--queue <name>_error] [--list]
//                                                        move parked messages back to their queues (--list only shows them)
using CrmCloud.Faults;

var command = args.FirstOrDefault() is { } first && !first.StartsWith('-') ? first : "run";
var options = command == "run" && args.FirstOrDefault() != "run" ? args : args[1..];
return command switch
{
    "run" => await FaultSuite.RunAsync(options.Contains("--short"), options.Contains("--keep-state")),
    "replay-errors" => await ReplayErrors.RunAsync(options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("Usage: Faults [--short] [--keep-state] | Faults replay-errors [--state <dir>] [--queue <name>_error] [--list]");
    return 2;
}
