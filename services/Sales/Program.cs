using CrmCloud.Platform.Contacts;
using CrmCloud.Platform.Data;
using CrmCloud.Platform.Messaging;
using CrmCloud.Sales;
using CrmCloud.Sales.Features.Customers;
using CrmCloud.Sales.Features.LeadForms;
using CrmCloud.Sales.Features.Leads;
using CrmCloud.Sales.Features.Opportunities;
using CrmCloud.Sales.Features.Orders;
using CrmCloud.Sales.Features.Pipelines;
using CrmCloud.Sales.Features.PriceLists;
using CrmCloud.Sales.Features.Products;
using CrmCloud.Sales.Features.Stock;
using CrmCloud.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceDatabase<SalesDb>("salesdb");
builder.AddMessaging<SalesDb>("sales");

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapContactCopies<SalesDb, Customer, CustomerResponse>("/api/v1/customers", "sales", "Customers", CustomerResponse.From);
app.MapProducts();
app.MapStock();
app.MapPriceLists();
app.MapOrders();
app.MapPipelines();
app.MapOpportunities();
app.MapLeads();
app.MapLeadForms();
app.MapLeadCapture();

return await app.RunServiceAsync(args);
