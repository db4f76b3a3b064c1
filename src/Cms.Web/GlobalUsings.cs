// What nearly every page model uses: the generated client, the UI's services and Razor Pages.
global using Cms.Client;
global using Cms.Web.Services;
global using Microsoft.AspNetCore.Authorization;
global using Microsoft.AspNetCore.Mvc;
global using Microsoft.AspNetCore.Mvc.RazorPages;
