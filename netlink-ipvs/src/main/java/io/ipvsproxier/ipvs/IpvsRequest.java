package io.ipvsproxier.ipvs;

import io.ipvsproxier.netlink.NetlinkMessageWriter;
import io.ipvsproxier.netlink.NetlinkRequest;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One IPVS generic netlink request, built by {@link IpvsCodec}: the family id, the IPVS command and
 * the attributes after the genl header. Immutable; the connection adds the netlink header.
 */
public final class IpvsRequest implements NetlinkRequest {
    private final int familyId;
    private final int command;
    private final Consumer<NetlinkMessageWriter> attributes;
    // Built only when asked for (an error, a log line): a batch of 100,000 writes must not format 100,000 strings.
    private final Supplier<String> description;
    private final int alreadyDoneErrno;
    private final int alreadyDoneErrno2;

    IpvsRequest(int familyId, int command, Consumer<NetlinkMessageWriter> attributes, Supplier<String> description,
                int alreadyDoneErrno, int alreadyDoneErrno2) {
        this.familyId = familyId;
        this.command = command;
        this.attributes = attributes;
        this.description = description;
        this.alreadyDoneErrno = alreadyDoneErrno;
        this.alreadyDoneErrno2 = alreadyDoneErrno2;
    }

    IpvsRequest(int familyId, int command, Consumer<NetlinkMessageWriter> attributes, Supplier<String> description) {
        this(familyId, command, attributes, description, 0, 0);
    }

    IpvsRequest(int familyId, int command, Consumer<NetlinkMessageWriter> attributes, String description) {
        this(familyId, command, attributes, () -> description, 0, 0);
    }

    /** The IPVS command ({@link IpvsCommands}), e.g. for {@link IpvsErrors#message(int, int)}. */
    public int command() {
        return command;
    }

    @Override
    public int type() {
        return familyId;
    }

    @Override
    public void writeBody(NetlinkMessageWriter w) {
        w.genlHeader(command, IpvsCommands.GENL_VERSION);
        attributes.accept(w);
    }

    @Override
    public boolean alreadyDone(int errno) {
        return errno != 0 && (errno == alreadyDoneErrno || errno == alreadyDoneErrno2);
    }

    @Override
    public String describe() {
        return description.get();
    }

    @Override
    public String toString() {
        return describe();
    }
}
