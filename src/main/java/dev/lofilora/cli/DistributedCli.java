package dev.lofilora.cli;

import dev.lofilora.common.Interruption;
import dev.lofilora.common.Json;
import dev.lofilora.train.TrainConfig;
import dev.lofilora.train.TrainPlugins;
import dev.lofilora.train.TrainResult;
import dev.lofilora.train.dist.DistOptions;
import dev.lofilora.train.dist.DistributedTrain;
import dev.lofilora.train.dist.LaunchConfig;
import dev.lofilora.train.dist.LaunchResult;
import dev.lofilora.train.dist.Launcher;
import dev.lofilora.train.dist.RankArgs;
import dev.lofilora.train.dist.RankFailure;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The data-parallel paths of {@code lofi train}: the launcher (--nproc) and one rank (RANK/WORLD_SIZE). */
final class DistributedCli {
    private DistributedCli() {}

    /** {@code --nproc N [--nnodes M]}: starts and supervises this machine's ranks. */
    static int launch(TrainCommand c, CommandSpec spec) {
        List<String> original = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
        if (original.isEmpty() || !original.get(0).equals("train")) original.add(0, "train");
        String addr = c.masterAddr != null ? c.masterAddr : System.getenv().getOrDefault("MASTER_ADDR", "127.0.0.1");
        int port = c.masterPort != null ? c.masterPort
                : System.getenv("MASTER_PORT") != null ? Integer.parseInt(System.getenv("MASTER_PORT"))
                : c.nnodes == 1 ? freePort() : DistOptions.DEFAULT_PORT;
        List<String> args = new ArrayList<>(RankArgs.of(original, c.nproc));
        LaunchConfig lc;
        try {
            lc = new LaunchConfig(c.nproc, c.nnodes, c.nodeRank, addr, port, args, Duration.ofSeconds(c.distTimeout));
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintStream out = System.out, err = System.err;
        Launcher launcher = new Launcher(lc, out, err);
        Runnable stop = () -> {
            launcher.stop();
            try {
                launcher.awaitExit(30, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try (Interruption.Note stopFirst = Interruption.finishFirst(stop)) {
            LaunchResult r = launcher.run();
            return r.exitCode();
        } catch (IOException e) {
            throw new dev.lofilora.common.LofiException("could not start the ranks: " + e.getMessage(),
                    "check that " + System.getProperty("java.home") + "/bin/java can be run");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            launcher.stop();
            return ExitCodes.INTERRUPTED;
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            return DistOptions.DEFAULT_PORT;
        }
    }

    /** One rank: joins the process group and trains its shard; rank 0 prints the result. */
    static int rank(TrainCommand c, CommandSpec spec, TrainConfig config, DistOptions dist) {
        PrintWriter err = spec.commandLine().getErr();
        String prefix = dist.rank() == 0 ? "" : "rank " + dist.rank() + ": ";
        DistributedTrain job = new DistributedTrain(config, dist,
                TrainPlugins.DEFAULT.withMessages(m -> { err.println(prefix + m); err.flush(); }));
        CountDownLatch printed = new CountDownLatch(1);
        Runnable stop = TrainCommand.stopThenAwait(job::requestStop, printed);
        try (Interruption.Note stopFirst = Interruption.finishFirst(stop)) {
            TrainResult r = job.run(dist.rank() == 0 ? ConsoleProgress.create(c.common) : null);
            if (dist.rank() == 0) {
                PrintWriter o = spec.commandLine().getOut();
                if (c.common.json) o.println(Json.toString(TrainCommand.toJson(r)));
                else TrainCommand.render(r, o);
                o.flush();
            }
            return r.failure() != null ? ExitCodes.ITEMS_FAILED : ExitCodes.OK;
        } catch (RankFailure f) {
            err.println("error: " + f.getMessage() + ". Nothing was written for that step; --resume (with any "
                    + "--nproc giving the same global batch) continues from the last complete checkpoint.");
            err.flush();
            return ExitCodes.ITEMS_FAILED;
        } finally {
            printed.countDown();
        }
    }
}
