using Nvoi.Cli;

return await NvoiApp.RunAsync(args);
