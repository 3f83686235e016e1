package io.ipvsproxier.proxier.plan;

/**
 * Something in a Service that could not be programmed, and why. The rest of the Service (and every
 * other Service) is still programmed. {@code reason} is a short machine-friendly word used as a metric
 * label (e.g. {@code invalid_ip}, {@code wrong_family}, {@code invalid_port}, {@code unknown_scheduler});
 * {@code message} is the sentence logged and put in the Warning Event.
 */
public record Rejection(ServiceRef service, String reason, String message) {
}
