package io.ipvsproxier.ipvs;

import io.ipvsproxier.netlink.BatchResult;
import io.ipvsproxier.netlink.Errno;
import io.ipvsproxier.netlink.GenericNetlink;
import io.ipvsproxier.netlink.JnrNetlinkSocket;
import io.ipvsproxier.netlink.MalformedMessageException;
import io.ipvsproxier.netlink.Netlink;
import io.ipvsproxier.netlink.NetlinkConnection;
import io.ipvsproxier.netlink.NetlinkException;
import io.ipvsproxier.netlink.NetlinkMessage;
import io.ipvsproxier.netlink.SyscallCounter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Ipvs} over generic netlink: the IPVS table of the network namespace the socket was opened in.
 *
 * <p>Single operations send one request with an ACK and throw {@link IpvsException} (a
 * {@link NetlinkException} with the errno, the kernel's extended-ACK text and the IPVS command) when the
 * kernel refuses. {@link #apply} sends many operations per system call and reports each outcome instead.
 *
 * <p>Cost: every single operation is one send and one receive system call (the reply and its ACK are read
 * together with recvmmsg); {@link #apply} sends up to 200 KiB or 4096 operations per system call and reads
 * one ACK per send; {@link #dump} needs one send and one receive per service on top of the service dump,
 * because the kernel lists destinations only one service per dump.
 *
 * <p>Thread safety: every exchange runs under the connection's lock ({@link NetlinkConnection} methods are
 * synchronized), so threads may share a client; their requests are serialized, never interleaved.
 * {@link #apply} holds the lock for the whole batch; {@link #dump} takes it once per kernel dump, so
 * another thread's writes may land between the service dump and a destination dump.
 */
public final class IpvsClient implements Ipvs {
    /** Long enough for the biggest batch the kernel runs inside one send, short enough that a lost reply surfaces. */
    public static final Duration DEFAULT_RECEIVE_TIMEOUT = Duration.ofSeconds(30);

    private final NetlinkConnection connection;
    private volatile IpvsCodec codec;

    /**
     * A client over an already open connection (a generic netlink socket); resolves the IPVS family on it.
     *
     * @throws IpvsUnavailableException when the kernel has no IPVS
     */
    public IpvsClient(NetlinkConnection connection) {
        this.connection = connection;
        this.codec = new IpvsCodec(resolveFamily(connection));
    }

    /**
     * Opens a generic netlink socket in the caller's network namespace and resolves the IPVS family.
     *
     * @throws IpvsUnavailableException when the kernel has no IPVS (module ip_vs not loaded)
     * @throws NetlinkException when the socket cannot be opened
     */
    public static IpvsClient open() {
        return open(DEFAULT_RECEIVE_TIMEOUT);
    }

    /** Like {@link #open()} with another receive timeout (how long to wait for any one reply). */
    public static IpvsClient open(Duration receiveTimeout) {
        JnrNetlinkSocket socket = JnrNetlinkSocket.open(Netlink.NETLINK_GENERIC, receiveTimeout);
        try {
            return new IpvsClient(new NetlinkConnection(socket));
        } catch (RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The codec bound to the current IPVS family id. */
    public IpvsCodec codec() {
        return codec;
    }

    /** The connection this client talks through. */
    public NetlinkConnection connection() {
        return connection;
    }

    /** send/receive system calls made by this client. */
    public SyscallCounter counter() {
        return connection.socket().counter();
    }

    // ------------------------------------------------------------------ reads

    /** Every service, in the kernel's hash order; a service the codec cannot represent is logged and skipped. */
    @Override
    public List<ServiceEntry> services() {
        List<ServiceEntry> out = new ArrayList<>();
        dump(IpvsCodec::getServices, m -> {
            ServiceEntry s = decodeOrSkip(m);
            if (s != null) {
                out.add(s);
            }
        });
        return out;
    }

    @Override
    public Optional<ServiceEntry> service(ServiceKey key) {
        try {
            return Optional.of(IpvsCodec.decodeService(single(call(c -> c.getService(key)), "get service " + key)));
        } catch (NetlinkException e) {
            if (e.errno() == Errno.ESRCH) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * The destinations of one service. The kernel answers a GET_DEST dump for a missing service with an
     * empty list, so an empty answer is checked with a GET_SERVICE.
     *
     * @throws IpvsException with ESRCH ("No such service") when the service does not exist
     */
    @Override
    public List<DestinationEntry> destinations(ServiceKey key) {
        List<DestinationEntry> out = destinationsOf(key, key.family());
        if (out.isEmpty()) {
            call(c -> c.getService(key));
        }
        return out;
    }

    /**
     * Every service with its destinations: one GET_SERVICE dump, then one GET_DEST dump per service. A
     * service deleted between the two shows no destinations.
     */
    @Override
    public List<ServiceState> dump() {
        List<ServiceEntry> services = services();
        List<ServiceState> out = new ArrayList<>(services.size());
        for (ServiceEntry s : services) {
            out.add(new ServiceState(s, destinationsOf(s.key(), s.key().family())));
        }
        return out;
    }

    private List<DestinationEntry> destinationsOf(ServiceKey key, int family) {
        List<DestinationEntry> out = new ArrayList<>();
        dump(c -> c.getDestinations(key), m -> {
            try {
                out.add(IpvsCodec.decodeDestination(m, family));
            } catch (MalformedMessageException e) {
                Log.LOG.warn("skipping a destination of {} the kernel reported: {}", key, e.getMessage());
            }
        });
        return out;
    }

    @Override
    public IpvsInfo info() {
        return IpvsCodec.decodeInfo(single(call(IpvsCodec::getInfo), "get IPVS info"));
    }

    @Override
    public IpvsTimeouts timeouts() {
        return IpvsCodec.decodeConfig(single(call(IpvsCodec::getConfig), "get IPVS timeouts"));
    }

    // ------------------------------------------------------------------ writes

    @Override
    public void addService(VirtualServer server) {
        call(c -> c.newService(server));
    }

    @Override
    public void updateService(VirtualServer server) {
        call(c -> c.setService(server));
    }

    @Override
    public void deleteService(ServiceKey key) {
        call(c -> c.deleteService(key));
    }

    @Override
    public void addDestination(ServiceKey service, RealServer server) {
        call(c -> c.newDestination(service, server));
    }

    @Override
    public void updateDestination(ServiceKey service, RealServer server) {
        call(c -> c.setDestination(service, server));
    }

    @Override
    public void deleteDestination(ServiceKey service, RealServer.Endpoint endpoint) {
        call(c -> c.deleteDestination(service, endpoint.address(), endpoint.port()));
    }

    @Override
    public void zero(Optional<ServiceKey> service) {
        call(c -> c.zero(service));
    }

    @Override
    public void flush() {
        call(IpvsCodec::flush);
    }

    @Override
    public void setTimeouts(IpvsTimeouts timeouts) {
        call(c -> c.setConfig(timeouts));
    }

    /**
     * Sends the operations in order, many per system call, with one ACK per send. Never throws for a
     * refused operation: each outcome is in the result, and {@link BatchResult#request(int)} is the
     * {@link IpvsRequest} (with its command, for {@link IpvsErrors}).
     */
    @Override
    public BatchResult apply(List<IpvsOperation> operations, boolean idempotent) {
        IpvsCodec c = codec;
        BatchResult result = connection.batch(c.requests(operations), idempotent);
        if (allFailedWithEnoent(result) && familyChanged(c)) {
            result = connection.batch(codec.requests(operations), idempotent);
        }
        return result;
    }

    @Override
    public void close() {
        connection.close();
    }

    // ------------------------------------------------------------------ plumbing

    /**
     * One acknowledged request. ENOENT may also mean the family id went stale (ip_vs was unloaded and
     * loaded again, which gives it a new id): then the request is sent once more with the new id.
     */
    private List<NetlinkMessage> call(Function<IpvsCodec, IpvsRequest> build) {
        IpvsCodec c = codec;
        IpvsRequest request = build.apply(c);
        try {
            return connection.call(request);
        } catch (NetlinkException e) {
            if (e.errno() == Errno.ENOENT && familyChanged(c)) {
                return call(build);
            }
            throw asIpvsException(request, e);
        }
    }

    private void dump(Function<IpvsCodec, IpvsRequest> build, Consumer<NetlinkMessage> sink) {
        IpvsCodec c = codec;
        IpvsRequest request = build.apply(c);
        try {
            connection.dump(request, sink);
        } catch (NetlinkException e) {
            if (e.errno() == Errno.ENOENT && familyChanged(c)) {
                dump(build, sink);
                return;
            }
            throw asIpvsException(request, e);
        }
    }

    /** Re-resolves the family; true (and the codec replaced) when its id is no longer the one {@code used}. */
    private boolean familyChanged(IpvsCodec used) {
        int id = resolveFamily(connection);
        if (id == used.familyId()) {
            return false;
        }
        Log.LOG.info("the IPVS generic netlink family id changed from {} to {} (ip_vs was reloaded)", used.familyId(), id);
        codec = new IpvsCodec(id);
        return true;
    }

    private static boolean allFailedWithEnoent(BatchResult result) {
        if (result.size() == 0) {
            return false;
        }
        for (BatchResult.Outcome o : result.outcomes()) {
            if (o.status() == BatchResult.Status.OK || o.errno() != Errno.ENOENT) {
                return false;
            }
        }
        return true;
    }

    private static int resolveFamily(NetlinkConnection connection) {
        try {
            return GenericNetlink.resolveFamily(connection, IpvsCommands.FAMILY_NAME);
        } catch (NetlinkException e) {
            if (e.errno() == Errno.ENOENT) {
                throw new IpvsUnavailableException();
            }
            throw e;
        }
    }

    private static NetlinkException asIpvsException(IpvsRequest request, NetlinkException e) {
        if (e.errno() == 0 || e instanceof IpvsException || e instanceof MalformedMessageException) {
            return e;
        }
        IpvsException wrapped = new IpvsException(request.describe(), request.command(), e.errno(), e.kernelMessage());
        wrapped.initCause(e);
        return wrapped;
    }

    private static ServiceEntry decodeOrSkip(NetlinkMessage m) {
        try {
            return IpvsCodec.decodeService(m);
        } catch (MalformedMessageException e) {
            Log.LOG.warn("skipping a service the kernel reported: {}", e.getMessage());
            return null;
        }
    }

    private static NetlinkMessage single(List<NetlinkMessage> replies, String what) {
        if (replies.isEmpty()) {
            throw new MalformedMessageException("the kernel acknowledged " + what + " without a reply");
        }
        return replies.get(0);
    }

    /** The logger, made on first use: a command-line run that logs nothing does not start the logging library. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(IpvsClient.class);
    }
}
