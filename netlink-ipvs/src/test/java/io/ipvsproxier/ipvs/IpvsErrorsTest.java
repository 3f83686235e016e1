package io.ipvsproxier.ipvs;

import static org.assertj.core.api.Assertions.assertThat;

import io.ipvsproxier.netlink.Errno;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** ipvsadm 1.31's ipvs_strerror table, command by command, then its generic entries, then strerror. */
class IpvsErrorsTest {

    @Test
    void serviceCommands() {
        assertThat(IpvsErrors.message(IpvsCommands.NEW_SERVICE, Errno.EEXIST)).isEqualTo("Service already exists");
        assertThat(IpvsErrors.message(IpvsCommands.NEW_SERVICE, Errno.ENOENT)).isEqualTo("Scheduler or persistence engine not found");
        assertThat(IpvsErrors.message(IpvsCommands.SET_SERVICE, Errno.ESRCH)).isEqualTo("No such service");
        assertThat(IpvsErrors.message(IpvsCommands.SET_SERVICE, Errno.ENOENT)).isEqualTo("Scheduler or persistence engine not found");
        assertThat(IpvsErrors.message(IpvsCommands.DEL_SERVICE, Errno.ESRCH)).isEqualTo("No such service");
        assertThat(IpvsErrors.message(IpvsCommands.ZERO, Errno.ESRCH)).isEqualTo("No such service");
        assertThat(IpvsErrors.message(IpvsCommands.GET_SERVICE, Errno.ESRCH)).isEqualTo("No such service");
        assertThat(IpvsErrors.message(IpvsCommands.GET_DEST, Errno.ESRCH)).isEqualTo("No such service");
    }

    @Test
    void destinationCommands() {
        assertThat(IpvsErrors.message(IpvsCommands.NEW_DEST, Errno.ESRCH)).isEqualTo("Service not defined");
        assertThat(IpvsErrors.message(IpvsCommands.NEW_DEST, Errno.EEXIST)).isEqualTo("Destination already exists");
        assertThat(IpvsErrors.message(IpvsCommands.SET_DEST, Errno.ESRCH)).isEqualTo("Service not defined");
        assertThat(IpvsErrors.message(IpvsCommands.SET_DEST, Errno.ENOENT)).isEqualTo("No such destination");
        assertThat(IpvsErrors.message(IpvsCommands.DEL_DEST, Errno.ESRCH)).isEqualTo("Service not defined");
        assertThat(IpvsErrors.message(IpvsCommands.DEL_DEST, Errno.ENOENT)).isEqualTo("No such destination");
    }

    @Test
    void daemonCommands() {
        assertThat(IpvsErrors.message(IpvsCommands.NEW_DAEMON, Errno.EEXIST)).isEqualTo("Daemon has already run");
        assertThat(IpvsErrors.message(IpvsCommands.DEL_DAEMON, Errno.ESRCH)).isEqualTo("No daemon is running");
    }

    @Test
    void genericEntriesApplyToEveryCommand() {
        assertThat(IpvsErrors.message(IpvsCommands.FLUSH, Errno.EPERM)).isEqualTo("Permission denied (you must be root)");
        assertThat(IpvsErrors.message(IpvsCommands.NEW_DEST, Errno.EINVAL))
            .isEqualTo("Invalid operation.  Possibly wrong module version, address not unicast, ...");
        assertThat(IpvsErrors.message(IpvsCommands.NEW_SERVICE, Errno.ENOPROTOOPT)).isEqualTo("Protocol not available");
        assertThat(IpvsErrors.message(IpvsCommands.NEW_SERVICE, Errno.ENOMEM)).isEqualTo("Memory allocation problem");
        assertThat(IpvsErrors.message(IpvsCommands.NEW_SERVICE, Errno.EOPNOTSUPP)).isEqualTo("Operation not supported with IPv6");
        assertThat(IpvsErrors.message(IpvsCommands.NEW_SERVICE, Errno.EAFNOSUPPORT))
            .isEqualTo("Operation not supported with specified address family");
        assertThat(IpvsErrors.message(IpvsCommands.GET_INFO, Errno.EMSGSIZE)).isEqualTo("Module is wrong version");
    }

    @Test
    void specificEntriesOnlyForTheirCommandsThenStrerror() {
        // ESRCH on add-service and EEXIST on delete are not in the table: strerror(3) text.
        assertThat(IpvsErrors.message(IpvsCommands.NEW_SERVICE, Errno.ESRCH)).isEqualTo("No such process");
        assertThat(IpvsErrors.message(IpvsCommands.DEL_DEST, Errno.EEXIST)).isEqualTo("File exists");
        assertThat(IpvsErrors.message(IpvsCommands.FLUSH, Errno.ENOENT)).isEqualTo("No such file or directory");
        assertThat(IpvsErrors.message(IpvsCommands.NEW_DEST, Errno.ERANGE)).isEqualTo("Numerical result out of range");
    }

    @Test
    void operationsMapToTheirCommands() {
        ServiceKey key = ServiceKey.of(Protocol.TCP, InetAddress.getLoopbackAddress(), 80);
        RealServer rs = RealServer.masq(InetAddress.getLoopbackAddress(), 8080, 1);
        assertThat(IpvsErrors.message(new IpvsOperation.AddService(VirtualServer.of(key, "rr")), Errno.EEXIST))
            .isEqualTo("Service already exists");
        assertThat(IpvsErrors.message(new IpvsOperation.UpdateService(VirtualServer.of(key, "rr")), Errno.ESRCH))
            .isEqualTo("No such service");
        assertThat(IpvsErrors.message(new IpvsOperation.DeleteService(key), Errno.ESRCH)).isEqualTo("No such service");
        assertThat(IpvsErrors.message(new IpvsOperation.AddDestination(key, rs), Errno.EEXIST)).isEqualTo("Destination already exists");
        assertThat(IpvsErrors.message(new IpvsOperation.UpdateDestination(key, rs), Errno.ENOENT)).isEqualTo("No such destination");
        assertThat(IpvsErrors.message(new IpvsOperation.DeleteDestination(key, rs.endpoint()), Errno.ESRCH))
            .isEqualTo("Service not defined");
    }
}
