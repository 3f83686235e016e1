package io.ipvsproxier.ipvs;

import java.util.List;

/** One virtual server with all its real servers, as read from the kernel. */
public record ServiceState(ServiceEntry service, List<DestinationEntry> destinations) {
}
