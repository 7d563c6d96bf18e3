import { Fn, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface PrivateNetworkProps {
  /**
   * Encrypts the VPC flow logs.
   * @default - CloudWatch Logs' own encryption
   */
  readonly logEncryptionKey?: kms.IKey;
  /**
   * Retention of the VPC flow logs.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly flowLogRetention?: logs.RetentionDays;
  /**
   * What happens to the flow logs when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A VPC for the store's functions with no route to the internet: isolated subnets in two
 * Availability Zones, flow logs of all traffic, and endpoints for exactly what the presign function
 * calls, STS (AssumeRole, an interface endpoint), S3 (HEAD, List and the multipart steps) and
 * DynamoDB (the sharing table), both gateway endpoints. test/constructs/private-network.test.ts checks the list against the function's
 * SDK clients.
 */
export class PrivateNetwork extends Construct {
  /** The services the presign function's code calls, as their endpoint names. */
  public static readonly PRESIGN_FUNCTION_SERVICES = ['dynamodb', 's3', 'sts'];
  /**
   * The services the offboarding functions' code calls (besides Okta, which needs egress); DynamoDB
   * (the mover revokes a leaver's share links) through the gateway endpoint every function has.
   */
  public static readonly OFFBOARDING_FUNCTION_SERVICES = ['dynamodb', 's3', 'secretsmanager', 'sqs'];

  public readonly vpc: ec2.Vpc;
  /** The STS endpoint, open only to the functions let in with `allowFrom`. */
  public readonly stsEndpoint: ec2.InterfaceVpcEndpoint;
  /** The VPC's flow logs. */
  public readonly flowLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PrivateNetworkProps = {}) {
    super(scope, id);
    this.flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      retention: props.flowLogRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.logEncryptionKey,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      // The region's first two zones, chosen by CloudFormation at deploy, so the template is right
      // even where the zone lookup CDK makes at synth (for a stack with an account and region) could
      // only answer placeholders. That lookup still runs once with credentials (cdk.context.json).
      availabilityZones: [0, 1].map((i) => Fn.select(i, Fn.getAzs())),
      natGateways: 0,
      subnetConfiguration: [{ name: 'functions', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      // CDK would restrict the default security group with a custom-resource Lambda of its own; no
      // resource here uses the default group, and a Lambda outside the VPC would fail the very
      // controls this network is for.
      restrictDefaultSecurityGroup: false,
      flowLogs: {
        all: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup),
          trafficType: ec2.FlowLogTrafficType.ALL,
        },
      },
      // DynamoDB: the sharing table, where sharing is on. A gateway endpoint costs nothing and
      // reaches only what the function's role may use.
      gatewayEndpoints: {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
        DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
      },
    });
    // Closed until a function is let in (`allowFrom`): nothing else in the VPC needs STS.
    this.stsEndpoint = this.vpc.addInterfaceEndpoint('Sts', {
      service: ec2.InterfaceVpcEndpointAwsService.STS,
      privateDnsEnabled: true,
      subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      open: false,
    });
  }

  /**
   * Adds interface endpoints for SQS and Secrets Manager, open only to the offboarding functions
   * (S3 has its gateway endpoint). The reconciler also calls Okta's System Log, which no endpoint
   * reaches: in these isolated subnets it fails and alarms, so bring a `vpc` with egress for it.
   */
  public allowOffboardingFrom(clients: ec2.IConnectable[]): void {
    const endpoints = [
      ['Sqs', ec2.InterfaceVpcEndpointAwsService.SQS],
      ['SecretsManager', ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER],
    ] as const;
    for (const [id, service] of endpoints) {
      const endpoint =
        (this.vpc.node.tryFindChild(id) as ec2.InterfaceVpcEndpoint | undefined) ??
        this.vpc.addInterfaceEndpoint(id, {
          service,
          privateDnsEnabled: true,
          subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
          open: false,
        });
      for (const client of clients)
        endpoint.connections.allowDefaultPortFrom(client, `${id} from offboarding`);
    }
  }

  /** Lets `client` (the presign function) reach the STS endpoint over HTTPS. */
  public allowFrom(client: ec2.IConnectable): void {
    this.stsEndpoint.connections.allowDefaultPortFrom(client, 'STS from the presign function');
  }
}
