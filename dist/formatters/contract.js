/**
 * The formatter Lambda's contract: what the notifier state machine (statemachines/notifier.asl.json) sends it,
 * what it answers, and the message that travels on the FIFO queue to the delivery state machine
 * (statemachines/deliver.asl.json). The local runner, the CDK construct and the tests all speak this contract.
 *
 * Member names are camelCase here because the notifier builds the payload itself in JSONata; the history
 * pages inside keep whatever casing they arrived with (the SDK integration capitalizes member names).
 */
export {};
