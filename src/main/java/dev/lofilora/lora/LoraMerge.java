package dev.lofilora.lora;

import dev.lofilora.common.LofiException;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Path;
import java.util.Map;

/**
 * Folding a LoRA into its base weights: {@code W' = W + s·(B·A)}, computed in float32 whatever the stored dtypes and
 * rounded once to W's dtype (PEFT's own merge adds a delta already rounded to the base dtype; one rounding is closer
 * to the unmerged forward). {@code s} is the scale the unmerged layer applies, so a merged model computes what the
 * adapter computed — never the scale twice: our export's baked scale is already in B and its file scale is 1.
 */
public final class LoraMerge {
    private LoraMerge() {}

    /**
     * The scale to fold for {@code file} at the user's {@code --lora-scale S}, with {@code lofi generate}'s meaning:
     * {@code S × the file's own scale} (1.0 = as trained: PEFT alpha/√r or alpha/r, our export 1 with the training
     * scale in B, plain ACE-Step files 1), or with {@code acestepLoader} ACE-Step's {@code load_lora(path, S)}: S on
     * the file's A and B as they are.
     */
    public static double effectiveScale(AdapterFile file, double userScale, boolean acestepLoader) {
        if (!Double.isFinite(userScale)) {
            throw new LofiException(file.source(), "the LoRA scale is " + userScale, "give a finite number (1.0 = as trained)");
        }
        return acestepLoader ? userScale : userScale * file.scale();
    }

    /**
     * W [out, in] + scale·(B [out, r] · A [r, in]) in float32, returned as a new tensor in W's dtype and device. Scale
     * 0 returns a copy of W, bit for bit (adding a zero delta would turn −0.0 into +0.0).
     */
    public static Tensor fold(Tensor w, Tensor a, Tensor b, double scale) {
        try (NoGradGuard g = new NoGradGuard()) {
            if (scale == 0) return w.clone();
            Tensor out;
            try (PointerScope scope = new PointerScope()) {
                Tensor w32 = w.to(ScalarType.Float);
                Tensor delta = torch.matmul(b.to(w.device(), ScalarType.Float), a.to(w.device(), ScalarType.Float)); // [out, in]
                out = w32.add(delta, new Scalar(scale)).to(w.scalar_type());
                out.retainReference();
            }
            PointerScope outer = PointerScope.getInnerScope();
            if (outer != null) {
                outer.attach(out);
                out.releaseReference();
            }
            return out;
        }
    }

    /**
     * Folds every layer of {@code lora} into its base Linear at the layer's current scaling (in place: the base
     * weight's tensor is overwritten, keeping its dtype and device) and removes the adapter. Returns the number of
     * layers merged.
     */
    public static int mergeInto(LoraModel lora) {
        int n = 0;
        try (NoGradGuard g = new NoGradGuard()) {
            for (LoraLinear layer : lora.layers().values()) {
                Tensor w = layer.base().weight.value();
                try (PointerScope scope = new PointerScope()) {
                    w.copy_(fold(w, layer.lora_A.weight.value(), layer.lora_B.weight.value(), layer.scaling()));
                }
                n++;
            }
        }
        lora.close();
        return n;
    }

    /** The target module paths of an adapter's weights (keys {@code <path>.lora_A.weight}). */
    static java.util.Set<String> targets(Map<String, Tensor> weights) {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (String k : weights.keySet()) out.add(k.substring(0, k.lastIndexOf(".lora_")));
        return out;
    }

    static void check(boolean ok, Path file, String problem, String fix) {
        if (!ok) throw new LofiException(file, problem, fix);
    }
}
