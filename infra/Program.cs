using EksIpvs.Infra;
using Pulumi;

return await Deployment.RunAsync(Deploy.Infra);
