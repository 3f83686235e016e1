package io.ipvsproxier.proxier.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.ipvsproxier.iface.Interfaces;
import io.ipvsproxier.iface.RtnetlinkInterfaces;
import io.ipvsproxier.ipvs.Ipvs;
import io.ipvsproxier.ipvs.IpvsClient;
import io.ipvsproxier.proxier.admin.AdminCtlCommand;
import io.ipvsproxier.proxier.app.Proxier;
import io.ipvsproxier.proxier.k8s.KubeClients;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ipvs-proxier [flags]} runs the proxier; {@code ipvs-proxier ctl COMMAND} talks to a running one. */
@Command(name = "ipvs-proxier", mixinStandardHelpOptions = true, subcommands = AdminCtlCommand.class,
    description = "An IPVS service proxy for Kubernetes nodes: Services and EndpointSlices to IPVS, over netlink.")
public final class ProxierMain implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ProxierMain.class);

    @Mixin
    ProxierOptions options = new ProxierOptions();

    public static void main(String[] args) {
        System.exit(new CommandLine(new ProxierMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        ProxierConfig config;
        try {
            config = options.resolve(options.config == null ? null : KubeProxyConfigFile.read(options.config));
        } catch (IllegalArgumentException | java.io.IOException e) {
            System.err.println("ipvs-proxier: " + e.getMessage());
            return 2;
        }
        Clock clock = Clock.systemUTC();
        try (Ipvs ipvs = IpvsClient.open(); Ipvs statsIpvs = IpvsClient.open(); Interfaces interfaces = RtnetlinkInterfaces.open()) {
            if (config.cleanup()) {
                System.out.println(Proxier.cleanup(config, ipvs, interfaces, clock));
                return 0;
            }
            log.info("ipvs-proxier starting on node {} (default scheduler {}, sync period {}, min sync period {})",
                config.nodeName(), config.scheduler(), config.syncPeriod(), config.minSyncPeriod());
            io.ipvsproxier.proxier.app.KernelSettings.apply();
            CountDownLatch stop = new CountDownLatch(1);
            try (KubernetesClient client = KubeClients.create(config.kubeconfig());
                 Proxier proxier = new Proxier(config, client, ipvs, statsIpvs, interfaces, clock)) {
                Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "shutdown"));
                proxier.start(Duration.ofMinutes(10));
                stop.await();
                log.info("stopping; the kernel keeps what was programmed");
            }
            return 0;
        } catch (RuntimeException e) {
            // No IPVS, no permission, a bad flag value: one clear line, not a stack trace.
            System.err.println("ipvs-proxier: " + e.getMessage());
            log.debug("startup failed", e);
            return 1;
        }
    }
}
