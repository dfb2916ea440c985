using CrmCloud.TestInfrastructure;

namespace CrmCloud.Reliability.Tests;

/// <summary>
/// The whole system, with every tenant on the enterprise rate plan: the sweeps send thousands of requests a minute
/// for one tenant, and each should reach the operation it tests instead of being answered 429 by the gateway.
/// </summary>
public sealed class SweptSystem : RunningSystem
{
    public SweptSystem() =>
        AppHostEnvironment = new Dictionary<string, string> { ["Gateway__RateLimits__DefaultPlan"] = "enterprise" };
}
