package dev.lofilora.train;

import dev.lofilora.nn.Parameter;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW in PyTorch's Python form ({@code torch/optim/adamw.py}, research/acestep.md §3.9), not libtorch's C++
 * {@code torch::optim::AdamW}: the C++ one updates the first moment as {@code m·β1 + g·(1−β1)} where Python uses
 * {@code m.lerp_(g, 1−β1)} (≈ 1 ulp apart from the second step on), and its {@code betas()} accessor is stored in
 * reverse on Linux (javacpp_stack.md §1). Per step, for every parameter with a gradient:
 * <pre>
 *   p ← p·(1 − lr·wd)                           decoupled weight decay
 *   m ← lerp(m, g, 1 − β1);  v ← v·β2 + (1 − β2)·g²
 *   p ← p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + eps)
 * </pre>
 * with the same tensor ops in the same order ({@code mul_}, {@code lerp_}, {@code mul_}+{@code addcmul_},
 * {@code sqrt}/{@code div}/{@code add_}, {@code addcdiv_}); bias corrections are computed in double as Python does
 * (Java's {@code Math.pow}, whose last bit may differ from C's {@code pow} in rare cases). With {@code foreach} the
 * same ops run as ATen {@code _foreach_*} calls (what Python uses on CUDA), which give the same numbers.
 *
 * <p>State (fp32, beside each parameter) is created at the first step. Holds the {@link Parameter} slots, never their
 * tensors, so a slot swapped by {@code Module.to} is seen (create the optimiser after moving the model). Not
 * thread-safe.
 */
public final class AdamW implements AutoCloseable {
    /** Hyper-parameters. ACE-Step's trainer: lr 1e-4, betas (0.8, 0.9), eps 1e-8, weight decay 1e-2. */
    public record Options(double lr, double beta1, double beta2, double eps, double weightDecay) {
        public static Options acestep() { return new Options(1e-4, 0.8, 0.9, 1e-8, 1e-2); }
    }

    private final List<String> names;
    private final List<Parameter> params;
    private final Options options;
    private final boolean foreach;
    private final Tensor[] expAvg;
    private final Tensor[] expAvgSq;
    private final long[] steps;
    // The parameter and moment lists of the foreach path, rebuilt only when the active set or a slot's tensor changes.
    private List<Integer> cachedActive;
    private Tensor[] cachedTensors;
    private IValue cachedParams, cachedMoments1, cachedMoments2;

    /** @param params trainable parameters by name (the names key the saved state) */
    public AdamW(Map<String, Parameter> params, Options options, boolean foreach) {
        this.names = List.copyOf(params.keySet());
        this.params = List.copyOf(params.values());
        this.options = options;
        this.foreach = foreach;
        this.expAvg = new Tensor[this.params.size()];
        this.expAvgSq = new Tensor[this.params.size()];
        this.steps = new long[this.params.size()];
    }

    public Options options() { return options; }

    /** The parameters, in order. */
    public List<Parameter> parameters() { return params; }

    /** Number of steps taken by parameter {@code i} (Python's {@code state['step']}). */
    public long step(int i) { return steps[i]; }

    /** One update at learning rate {@code lr}; parameters without a gradient are left alone, as in Python. */
    public void step(double lr) {
        List<Integer> active = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) if (params.get(i).value().grad().defined()) active.add(i);
        if (active.isEmpty()) return;
        try (NoGradGuard g = new NoGradGuard()) {
            for (int i : active) {
                if (expAvg[i] == null) {
                    expAvg[i] = kept(torch.zeros_like(params.get(i).value()));
                    expAvgSq[i] = kept(torch.zeros_like(params.get(i).value()));
                }
                steps[i]++;
            }
            boolean uniform = active.stream().allMatch(i -> steps[i] == steps[active.get(0)]);
            if (foreach && uniform) stepForeach(active, lr);
            else for (int i : active) stepOne(i, lr);
        }
    }

    private static <T extends org.bytedeco.javacpp.Pointer> T kept(T t) {
        t.retainReference(); // optimiser state outlives the step's PointerScope
        return t;
    }

    private boolean sameTensors(List<Integer> active) {
        for (int k = 0; k < active.size(); k++) if (params.get(active.get(k)).value() != cachedTensors[k]) return false;
        return true;
    }

    private void releaseLists() {
        for (IValue l : new IValue[] {cachedParams, cachedMoments1, cachedMoments2}) if (l != null) l.close();
        cachedParams = cachedMoments1 = cachedMoments2 = null;
        cachedActive = null;
    }

    private void stepOne(int i, double lr) {
        Options o = options;
        Tensor p = params.get(i).value();
        Tensor grad = p.grad();
        p.mul_(new Scalar(1 - lr * o.weightDecay));
        expAvg[i].lerp_(grad, new Scalar(1 - o.beta1));
        expAvgSq[i].mul_(new Scalar(o.beta2)).addcmul_(grad, grad, new Scalar(1 - o.beta2));
        double bc1 = 1 - Math.pow(o.beta1, steps[i]);
        double bc2 = 1 - Math.pow(o.beta2, steps[i]);
        double stepSize = lr / bc1;
        double bc2Sqrt = Math.sqrt(bc2);
        Tensor denom = expAvgSq[i].sqrt().div(new Scalar(bc2Sqrt)).add_(new Scalar(o.eps));
        p.addcdiv_(expAvg[i], denom, new Scalar(-stepSize));
    }

    private void stepForeach(List<Integer> active, double lr) {
        Options o = options;
        if (!active.equals(cachedActive) || !sameTensors(active)) {
            List<Tensor> ps = new ArrayList<>(), ms = new ArrayList<>(), vs = new ArrayList<>();
            cachedTensors = new Tensor[active.size()];
            for (int k = 0; k < active.size(); k++) {
                int i = active.get(k);
                cachedTensors[k] = params.get(i).value();
                ps.add(cachedTensors[k]);
                ms.add(expAvg[i]);
                vs.add(expAvgSq[i]);
            }
            releaseLists();
            cachedParams = kept(Foreach.list(ps));
            cachedMoments1 = kept(Foreach.list(ms));
            cachedMoments2 = kept(Foreach.list(vs));
            cachedActive = List.copyOf(active);
        }
        List<Tensor> gs = new ArrayList<>();
        for (int i : active) gs.add(params.get(i).value().grad());
        IValue p = cachedParams, g = Foreach.list(gs), m = cachedMoments1, v = cachedMoments2;
        long t = steps[active.get(0)];
        Foreach.mul(p, 1 - lr * o.weightDecay);
        Foreach.lerp(m, g, 1 - o.beta1);
        Foreach.mul(v, o.beta2);
        Foreach.addcmul(v, g, g, 1 - o.beta2);
        double bc1 = 1 - Math.pow(o.beta1, t);
        double bc2 = 1 - Math.pow(o.beta2, t);
        IValue denom = Foreach.sqrt(v);
        Foreach.div(denom, Math.sqrt(bc2));
        Foreach.add(denom, o.eps);
        Foreach.addcdiv(p, m, denom, -(lr / bc1));
    }

    /** The state for a checkpoint: {@code exp_avg.<name>}, {@code exp_avg_sq.<name>} (new handles) and the step counts. */
    public State state() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, Long> counts = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            counts.put(names.get(i), steps[i]);
            if (expAvg[i] == null) continue;
            tensors.put("exp_avg." + names.get(i), expAvg[i].detach());
            tensors.put("exp_avg_sq." + names.get(i), expAvgSq[i].detach());
        }
        return new State(tensors, counts);
    }

    /** Restores a saved {@link State} (copies; shapes must match). */
    public void load(State state) {
        try (NoGradGuard g = new NoGradGuard()) {
            for (int i = 0; i < names.size(); i++) {
                String n = names.get(i);
                Long c = state.steps().get(n);
                if (c == null) throw new IllegalArgumentException("optimiser state has no step count for " + n);
                steps[i] = c;
                Tensor m = state.tensors().get("exp_avg." + n), v = state.tensors().get("exp_avg_sq." + n);
                if (m == null || v == null) {
                    if (c != 0) throw new IllegalArgumentException("optimiser state lacks moments of " + n);
                    continue;
                }
                Tensor p = params.get(i).value();
                if (!Arrays.equals(m.sizes().vec().get(), p.sizes().vec().get())) {
                    throw new IllegalArgumentException("optimiser state of " + n + " has shape "
                            + Arrays.toString(m.sizes().vec().get()) + ", the parameter " + Arrays.toString(p.sizes().vec().get()));
                }
                if (expAvg[i] == null) {
                    expAvg[i] = kept(torch.zeros_like(p));
                    expAvgSq[i] = kept(torch.zeros_like(p));
                    releaseLists();
                }
                expAvg[i].copy_(m);
                expAvgSq[i].copy_(v);
            }
        }
    }

    /** A snapshot of the optimiser state. */
    public record State(Map<String, Tensor> tensors, Map<String, Long> steps) {}

    @Override
    public void close() {
        releaseLists();
        for (int i = 0; i < expAvg.length; i++) {
            if (expAvg[i] != null) { expAvg[i].close(); expAvgSq[i].close(); }
            expAvg[i] = expAvgSq[i] = null;
        }
    }
}
