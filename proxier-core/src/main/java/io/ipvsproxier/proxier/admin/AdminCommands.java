package io.ipvsproxier.proxier.admin;

import io.ipvsproxier.proxier.plan.ServiceRef;

/**
 * What the admin socket can ask the proxier. Each method returns the text shown to the operator; a request
 * that cannot be answered (no such Service, say) throws {@link AdminCommandException}, whose message becomes
 * the error reply. Anything else thrown is reported as an internal error and logged.
 *
 * <p>Called on the admin socket's threads, never on the sync thread: implementations read state that is safe
 * to read concurrently and must not block for long ({@link #sync()} asks for a full sync and returns).
 */
public interface AdminCommands {

    /** Last sync time and duration, pending changes, counts, rejected Service ports, netlink errors. */
    String status();

    /** The virtual and real servers programmed for a Service, with the scheduler and why, and the endpoints left out and why. */
    String explain(ServiceRef service);

    /** What differs between the wanted state and the kernel right now. */
    String diff();

    /** Asks for a full resync; returns a line saying so. */
    String sync();
}
