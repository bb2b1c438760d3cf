package dev.lofilora.train;

import dev.lofilora.nn.Linear;
import dev.lofilora.nn.Parameter;
import dev.lofilora.tensor.Tensors;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * AdamW against PyTorch's Python update form written out here line by line ({@code torch/optim/adamw.py},
 * {@code _single_tensor_adamw}), with ACE-Step's hyper-parameters and schedule (lr 0 on the first step).
 */
class AdamWTest {
    static final AdamW.Options OPT = AdamW.Options.acestep();

    /** The Python form: one parameter, its moments and step count, updated with single-tensor ops. */
    static final class PythonAdamW {
        final Tensor p, m, v;
        long step;

        PythonAdamW(Tensor init) {
            p = init.clone();
            m = torch.zeros_like(p);
            v = torch.zeros_like(p);
        }

        void step(Tensor grad, double lr) {
            step += 1;
            p.mul_(new Scalar(1 - lr * OPT.weightDecay()));                                   // param.mul_(1 - lr * wd)
            m.lerp_(grad, new Scalar(1 - OPT.beta1()));                                       // exp_avg.lerp_(grad, 1 - beta1)
            v.mul_(new Scalar(OPT.beta2())).addcmul_(grad, grad, new Scalar(1 - OPT.beta2())); // exp_avg_sq.mul_(b2).addcmul_
            double bc1 = 1 - Math.pow(OPT.beta1(), step);
            double bc2 = 1 - Math.pow(OPT.beta2(), step);
            double stepSize = lr / bc1;
            Tensor denom = v.sqrt().div(new Scalar(Math.sqrt(bc2))).add_(new Scalar(OPT.eps()));
            p.addcdiv_(m, denom, new Scalar(-stepSize));
        }
    }

    private static Map<String, Parameter> params(int count, long seed) {
        torch.manual_seed(seed);
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            Linear l = new Linear(5 + i, 3 + i % 4, false);
            l.loadStateDict(Map.of("weight", torch.randn(3 + i % 4, 5 + i)), true);
            l.requiresGrad(true);
            out.put("layer" + i + ".weight", l.weight);
        }
        return out;
    }

    private static void setGrads(Map<String, Parameter> params, long seed) {
        torch.manual_seed(seed);
        for (Parameter p : params.values()) p.value().mutable_grad().put(torch.randn(p.shape()).mul(new Scalar(0.3)));
    }

    @Test
    void matchesThePythonFormBitForBitPerTensorAndForeachOverAWarmupSchedule() {
        LrSchedule lr = LrSchedule.warmupLinearDecay(OPT.lr(), 10, 100);
        for (boolean foreach : new boolean[] {false, true}) {
            Map<String, Parameter> ps = params(6, 1);
            List<PythonAdamW> ref = new ArrayList<>();
            for (Parameter p : ps.values()) ref.add(new PythonAdamW(p.value().detach()));
            try (AdamW opt = new AdamW(ps, OPT, foreach)) {
                for (int k = 0; k < 14; k++) {
                    setGrads(ps, 100 + k);
                    int i = 0;
                    for (Parameter p : ps.values()) {
                        try (NoGradGuard g = new NoGradGuard()) { ref.get(i++).step(p.value().grad(), lr.lr(k)); }
                    }
                    Tensor before = ps.values().iterator().next().value().clone();
                    opt.step(lr.lr(k));
                    if (k == 0) {
                        assertEquals(0.0, lr.lr(0), 0, "ACE-Step's first step runs at lr 0");
                        assertTrue(Tensors.bitIdentical(before, ps.values().iterator().next().value()),
                                "lr 0: the weights do not move");
                    }
                    i = 0;
                    for (Parameter p : ps.values()) {
                        assertTrue(Tensors.bitIdentical(ref.get(i++).p, p.value()),
                                "foreach=" + foreach + " step " + k + " param " + (i - 1));
                    }
                }
                assertEquals(14, opt.step(0));
            }
        }
    }

    @Test
    void updateFollowsTheClosedFormWithBetasInTheirOrder() {
        // One scalar weight, two steps at constant lr, checked in double: swapping β1/β2 (the C++ accessor trap) or
        // coupling the decay into the gradient would move the result far beyond 1e-6.
        Map<String, Parameter> ps = params(1, 7);
        Parameter p = ps.values().iterator().next();
        double w0 = p.value().flatten(0, -1).get(0).item_double();
        double[] g = {0.5, -0.25};
        double lr = 1e-2;
        double m = 0, v = 0, w = w0;
        try (AdamW opt = new AdamW(ps, OPT, true)) {
            for (int t = 1; t <= 2; t++) {
                Tensor grad = torch.zeros(p.shape());
                try (NoGradGuard ng = new NoGradGuard()) { grad.flatten(0, -1).get(0).fill_(new Scalar(g[t - 1])); }
                p.value().mutable_grad().put(grad);
                opt.step(lr);
                w = w * (1 - lr * OPT.weightDecay());
                m = m + (1 - OPT.beta1()) * (g[t - 1] - m);
                v = OPT.beta2() * v + (1 - OPT.beta2()) * g[t - 1] * g[t - 1];
                double denom = Math.sqrt(v) / Math.sqrt(1 - Math.pow(OPT.beta2(), t)) + OPT.eps();
                w = w - lr / (1 - Math.pow(OPT.beta1(), t)) * m / denom;
            }
            assertEquals(w, p.value().flatten(0, -1).get(0).item_double(), 1e-6 * Math.abs(w) + 1e-9);
        }
    }

    @Test
    void stateRoundTripsAndResumesIdentically() {
        Map<String, Parameter> a = params(3, 2), b = params(3, 2);
        try (AdamW oa = new AdamW(a, OPT, true); AdamW ob = new AdamW(b, OPT, true)) {
            for (int k = 0; k < 3; k++) { setGrads(a, k); oa.step(1e-3); setGrads(b, k); ob.step(1e-3); }
            AdamW.State s = oa.state();
            assertEquals(6, s.tensors().size());
            try (AdamW resumed = new AdamW(b, OPT, true)) {
                resumed.load(s);
                setGrads(a, 9);
                oa.step(1e-3);
                setGrads(b, 9);
                resumed.step(1e-3);
                var ia = a.values().iterator();
                for (Parameter pb : b.values()) assertTrue(Tensors.bitIdentical(ia.next().value(), pb.value()));
            }
        }
    }

    @Test
    void clippingScalesEveryGradientByMaxNormOverTotal() {
        Map<String, Parameter> ps = params(3, 3);
        setGrads(ps, 4);
        double sq = 0;
        List<Tensor> before = new ArrayList<>();
        for (Parameter p : ps.values()) {
            before.add(p.value().grad().clone());
            double n = p.value().grad().norm().item_double();
            sq += n * n;
        }
        double total = Math.sqrt(sq);
        double returned = GradientClipping.clip(new ArrayList<>(ps.values()), 0.5);
        assertEquals(total, returned, 1e-5 * total);
        double coef = Math.min(1.0, 0.5 / (total + 1e-6));
        int i = 0;
        for (Parameter p : ps.values()) {
            assertEquals(0.0, Tensors.maxAbsDiff(before.get(i++).mul(new Scalar(coef)), p.value().grad()), 1e-6);
        }
        assertTrue(coef < 1, "the fixture's gradients exceed the clip norm, so clipping is exercised");
    }

    @Test
    void scheduleWarmsUpFromZeroThenDecaysLinearly() {
        LrSchedule s = LrSchedule.warmupLinearDecay(1e-4, 10, 110);
        assertEquals(0.0, s.lr(0), 0);
        assertEquals(1e-5, s.lr(1), 1e-20);
        assertEquals(9e-5, s.lr(9), 1e-18);
        assertEquals(1e-4, s.lr(10), 0);
        assertEquals(0.5e-4, s.lr(60), 1e-18);
        assertEquals(0.0, s.lr(110), 0);
        assertEquals(0.0, s.lr(500), 0);
    }
}
