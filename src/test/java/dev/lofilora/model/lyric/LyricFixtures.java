package dev.lofilora.model.lyric;

import dev.lofilora.nn.Module;
import dev.lofilora.nn.Parameter;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.LinkedHashMap;
import java.util.Map;

/** Tiny seeded random weights for lyric encoder tests (scaled like the golden's: every path adds O(1)). */
final class LyricFixtures {
    private LyricFixtures() {}

    /** Fills every parameter of {@code m}: matrices N(0, 1/fan_in), 1-D weights (norm gains) 1+N(0, 0.1²), rest N(0, 0.1²). */
    static <M extends Module> M randomize(M m, long seed) {
        torch.manual_seed(seed);
        Map<String, Tensor> sd = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : m.stateDict().entrySet()) {
            long[] shape = e.getValue().shape();
            Tensor r = torch.randn(shape);
            if (shape.length == 2 && !e.getKey().contains("pos_bias")) {
                r = r.div(new Scalar(Math.sqrt(shape[1])));
            } else if (shape.length == 1 && e.getKey().endsWith("weight")) {
                r = r.mul(new Scalar(0.1)).add(new Scalar(1.0));
            } else {
                r = r.mul(new Scalar(0.1));
            }
            sd.put(e.getKey(), r);
        }
        m.loadStateDict(sd, true);
        return m;
    }

    /** A float mask [B, N] with {@code valid[b]} leading ones per row. */
    static Tensor mask(long n, int... valid) {
        Tensor m = torch.zeros(valid.length, n);
        for (int b = 0; b < valid.length; b++) if (valid[b] > 0) m.get(b).narrow(0, 0, valid[b]).fill_(new Scalar(1.0));
        return m;
    }
}
