using CrmCloud.Sales;
using CrmCloud.Sales.Features.Customers;
using CrmCloud.Platform.Contacts;
using CrmCloud.Platform.Data;
using CrmCloud.Platform.Messaging;
using CrmCloud.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceDatabase<SalesDb>("salesdb");
builder.AddMessaging<SalesDb>("sales");

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapContactCopies<SalesDb, Customer, CustomerResponse>("/api/v1/customers", "sales", "Customers", CustomerResponse.From);

return await app.RunServiceAsync(args);
