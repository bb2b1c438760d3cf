package dev.lofilora.train.dist;

import dev.lofilora.common.LofiException;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.AllreduceOptions;
import org.bytedeco.pytorch.Backend;
import org.bytedeco.pytorch.GlooDeviceVector;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.ReduceOp;
import org.bytedeco.pytorch.Store;
import org.bytedeco.pytorch.StringVector;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * PyTorch's c10d for one process of a data-parallel run: a {@code TCPStore} hosted by rank 0 (the rendezvous) and a
 * Gloo or NCCL process group on it, used at the backend level ({@code ProcessGroupGloo}/{@code ProcessGroupNCCL})
 * because the JavaCPP preset's {@code new ProcessGroup(...)} aborts the JVM (research/onnx_export.md §5).
 *
 * <p>Every collective is labelled with the step it belongs to; when one fails (a peer closed its connection, or the
 * timeout passed) the process records the failure in the store, waits a few seconds for the other survivors to do
 * the same, and names the ranks that did not: they died or hung. When the store itself is gone, rank 0 (its host) is
 * the one that died. Not thread-safe: the training thread alone calls it.
 */
public final class Collectives implements AutoCloseable {
    /** How long survivors wait for each other's failure reports before naming the silent ranks. */
    public static final long REPORT_GRACE_MS = 3000;

    private final DistOptions options;
    private final Store store;
    private final Backend group;

    private Collectives(DistOptions options, Store store, Backend group) {
        this.options = options;
        this.store = store;
        this.group = group;
    }

    /** Joins the run: connects to (rank 0: starts) the store and builds the process group; waits for every rank. */
    public static Collectives connect(DistOptions o) {
        Milliseconds timeout = new Milliseconds(o.timeout().toMillis());
        Store store;
        try {
            TCPStoreOptions so = new TCPStoreOptions().port((short) o.masterPort()).isServer(o.rank() == 0)
                    .numWorkers(new SizeTPointer(1).put(o.worldSize())).waitWorkers(false).timeout(timeout);
            store = new TCPStore(o.masterAddr(), so);
        } catch (RuntimeException e) {
            throw new LofiException("rank " + o.rank() + " could not " + (o.rank() == 0 ? "start" : "reach")
                    + " the rendezvous store at " + o.masterAddr() + ":" + o.masterPort() + ": " + firstLine(e),
                    o.rank() == 0 ? "choose a free --master-port (or MASTER_PORT)"
                            : "start rank 0 first or check MASTER_ADDR/MASTER_PORT and the firewall");
        }
        try {
            Backend group = o.backend().equals("nccl") ? Nccl.group(store, o) : gloo(store, o, timeout);
            return new Collectives(o, store, group);
        } catch (LofiException e) {
            store.close();
            throw e;
        } catch (RuntimeException e) {
            store.close();
            throw new LofiException("rank " + o.rank() + " could not join the " + o.backend() + " process group of "
                    + o.worldSize() + " ranks within " + o.timeout().toSeconds() + " s: " + firstLine(e),
                    "start all " + o.worldSize() + " ranks with the same MASTER_ADDR/MASTER_PORT and WORLD_SIZE");
        }
    }

    private static Backend gloo(Store store, DistOptions o, Milliseconds timeout) {
        ProcessGroupGloo.Options go = ProcessGroupGloo.Options.create(timeout);
        String ifname = System.getenv("GLOO_SOCKET_IFNAME");
        go.devices(new GlooDeviceVector(ifname != null ? ProcessGroupGloo.createDeviceForInterface(ifname)
                : loopback(o.masterAddr()) ? ProcessGroupGloo.createDeviceForHostname("127.0.0.1")
                : ProcessGroupGloo.createDefaultDevice()));
        return new ProcessGroupGloo(store, o.rank(), o.worldSize(), go);
    }

    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    public DistOptions options() { return options; }

    public String backendName() { return group.getBackendName().getString(); }

    /** Sums {@code tensors} over the ranks in place (one fused collective); failures become {@link RankFailure}. */
    public void allReduceSum(TensorVector tensors, long step) {
        long t0 = System.nanoTime();
        try {
            AllreduceOptions ao = new AllreduceOptions().reduceOp(new ReduceOp(ReduceOp.RedOpType.SUM));
            group.allreduce(tensors, ao)._wait();
        } catch (RuntimeException e) {
            throw diagnose(step, (System.nanoTime() - t0) / 1e9, e);
        }
    }

    /** {@link #allReduceSum(TensorVector, long)} of one tensor. */
    public void allReduceSum(Tensor t, long step) { allReduceSum(new TensorVector(t), step); }

    private RankFailure diagnose(long step, double seconds, RuntimeException cause) {
        int me = options.rank(), n = options.worldSize();
        String why = String.format(Locale.ROOT, "the all-reduce of step %d failed after %.1f s (%s)", step + 1,
                seconds, firstLine(cause));
        List<Integer> silent = new ArrayList<>();
        try {
            store.setTimeout(new Milliseconds(REPORT_GRACE_MS));
            store.set("lofi/failed/" + me, String.valueOf(step));
            long deadline = System.nanoTime() + REPORT_GRACE_MS * 1_000_000;
            for (int r = 0; r < n; r++) {
                if (r == me) continue;
                StringVector key = new StringVector("lofi/failed/" + r);
                while (!store.check(key) && System.nanoTime() < deadline) Thread.sleep(100);
                if (!store.check(key)) silent.add(r);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException storeGone) {
            // the store lives in rank 0: it is the one that died or hangs
            silent.clear();
            if (me != 0) silent.add(0);
        }
        String who = silent.isEmpty() ? "another rank failed (which one could not be told)"
                : (silent.size() == 1 ? "rank " + silent.get(0) : "ranks " + silent) + " of " + n
                + " stopped answering (died or hung" + (silent.contains(0) ? "; rank 0 also hosts the store" : "") + ")";
        return new RankFailure("rank " + me + ": " + who + "; " + why, silent, step, cause);
    }

    static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        m = nl < 0 ? m : m.substring(0, nl);
        int src = m.indexOf("] ");
        return m.startsWith("[") && src > 0 ? m.substring(src + 2) : m; // drop the C++ source path
    }

    @Override
    public void close() {
        group.close();
        store.close();
    }
}
