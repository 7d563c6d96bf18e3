/**
 * EventBridge's default bus for the local stack: each event put on it goes to the Lambda targets
 * of every rule in the template whose `EventPattern` matches it (emulator/model/eventbridge-pattern.ts).
 * AWS services deliver their events to EventBridge "at least once" (EventBridge user guide,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-delivery-level.html),
 * so a test may deliver an event again. Not modelled: rules on other buses than the default (every
 * rule is taken as the default bus's), and Lambda's own retries of a failed asynchronous invocation
 * (a failure is reported, not retried). With `hold`, events wait for `deliverHeld()`, so a test
 * can look at the moment between an event and its handling; otherwise they are delivered at once.
 */
import type { ResolvedTemplate } from '../iam/resolve-template';
import { EventPattern, matches } from '../model/eventbridge-pattern';

/** A function the bus can invoke, by its logical id in the template. */
export type LocalFunction = (event: Record<string, unknown>) => Promise<unknown>;

export interface Delivery {
  readonly event: Record<string, unknown>;
  readonly functionId: string;
  readonly result?: unknown;
  readonly error?: string;
}

export interface LocalEventBus {
  /** Makes a function of the template invocable by the rules that target it. */
  register(functionId: string, invoke: LocalFunction): void;
  /** PutEvents: delivered now, or kept until `deliverHeld()` with `hold`. */
  put(event: Record<string, unknown>): void;
  /** Delivers one event to every matching rule's registered targets, and says what each did. */
  deliver(event: Record<string, unknown>): Promise<Delivery[]>;
  /** Delivers the events kept so far, in order. */
  deliverHeld(): Promise<Delivery[]>;
  readonly held: readonly Record<string, unknown>[];
  readonly deliveries: readonly Delivery[];
  /** Waits for deliveries still running, and takes no more events. */
  close(): Promise<void>;
}

export function localEventBus(template: ResolvedTemplate, options: { hold?: boolean } = {}): LocalEventBus {
  const functions = new Map<string, LocalFunction>();
  const functionIdOfArn = new Map<string, string>();
  for (const [id, resource] of Object.entries(template.resources)) {
    if (resource.Type === 'AWS::Lambda::Function') functionIdOfArn.set(template.getAtt(id, 'Arn'), id);
  }
  const rules = Object.values(template.resources)
    // Scheduled rules (no pattern) are not the bus's: the journeys run those functions themselves.
    .filter(
      (r) => r.Type === 'AWS::Events::Rule' && r.Properties.EventPattern && r.Properties.State !== 'DISABLED',
    )
    .map((r) => ({
      pattern: r.Properties.EventPattern as EventPattern,
      targets: ((r.Properties.Targets ?? []) as { Arn: string }[]).map((t) =>
        functionIdOfArn.get(String(t.Arn)),
      ),
    }));
  const held: Record<string, unknown>[] = [];
  const deliveries: Delivery[] = [];
  const running = new Set<Promise<unknown>>();
  let closed = false;

  async function deliver(event: Record<string, unknown>): Promise<Delivery[]> {
    const targets = rules.filter((rule) => matches(rule.pattern, event)).flatMap((rule) => rule.targets);
    const done: Delivery[] = [];
    for (const functionId of targets) {
      const invoke = functionId === undefined ? undefined : functions.get(functionId);
      if (!functionId || !invoke) continue;
      const delivery = await invoke(event).then(
        (result) => ({ event, functionId, result }),
        (error: unknown) => ({ event, functionId, error: String(error) }),
      );
      done.push(delivery);
      deliveries.push(delivery);
    }
    return done;
  }

  return {
    register: (functionId, invoke) => void functions.set(functionId, invoke),
    put(event) {
      if (closed) return;
      if (options.hold) return void held.push(event);
      const delivering = deliver(event)
        .then((done) => {
          for (const failed of done.filter((d) => d.error))
            console.error(`event bus: ${failed.functionId}: ${failed.error}`);
        })
        .finally(() => running.delete(delivering));
      running.add(delivering);
    },
    deliver,
    async deliverHeld() {
      const done: Delivery[] = [];
      while (held.length > 0) done.push(...(await deliver(held.shift()!)));
      return done;
    },
    held,
    deliveries,
    async close() {
      closed = true;
      await Promise.all([...running]);
    },
  };
}
