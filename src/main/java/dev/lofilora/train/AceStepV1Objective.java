package dev.lofilora.train;

import dev.lofilora.model.transformer.ACEStepTransformer2DModel;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ACE-Step v1's trainer loss ({@code trainer.py} {@code run_step}; research/acestep.md §3.7–3.8), with the same ops
 * in the same order so fp32 results match the original within round-off:
 * <pre>
 *   x_t  = σ·noise + (1 − σ)·x0
 *   x̂0   = v̂·(−σ) + x_t                           (the model predicts the velocity noise − x0)
 *   l_b  = mean((x̂0·m − x0·m)²) · mean(m_b);  denoising = mean_b l_b
 *   repa_k = Σ_b CosineEmbeddingLoss(normalize(z_b), normalize(interp_linear(proj_k(h)_b → len z_b)), +1) / B
 *   total = denoising + ssl_coeff · mean_k repa_k   (only when SSL targets are given)
 * </pre>
 * The loss is computed in fp32 whatever the model dtype.
 */
public final class AceStepV1Objective implements TrainingObjective {
    /** ACE-Step's {@code ssl_coeff}. */
    public static final double SSL_COEFF = 1.0;
    private static final double NORMALIZE_EPS = 1e-12;

    private final List<String> sslNames;
    private final double sslCoeff;

    /** @param sslNames the model's {@code ssl_names} (REPA head k reads targets named {@code sslNames[k]}) */
    public AceStepV1Objective(List<String> sslNames, double sslCoeff) {
        this.sslNames = List.copyOf(sslNames);
        this.sslCoeff = sslCoeff;
    }

    @Override
    public Tensor noisyInput(Tensor x0, Tensor noise, Tensor sigmas) {
        Tensor s = sigmas.view(-1, 1, 1, 1);                                          // [B, 1, 1, 1]
        return s.mul(noise).add(s.neg().add(new Scalar(1.0)).mul(x0));                // σ·n + (1 − σ)·x0
    }

    @Override
    public LossTerms losses(ACEStepTransformer2DModel.Output output, Tensor noisy, Tensor x0, Tensor sigmas,
                            Tensor mask, Map<String, List<Tensor>> ssl) {
        long b = x0.size(0);
        Tensor v = output.sample().to(ScalarType.Float);                                // [B, C, H, T]
        Tensor s = sigmas.view(-1, 1, 1, 1);
        Tensor pred = v.mul(s.neg()).add(noisy);                                        // x̂0
        Tensor m = mask.to(ScalarType.Float).unsqueeze(1).unsqueeze(1)
                .expand(new long[] {-1, x0.size(1), x0.size(2), -1});                   // [B, C, H, T]
        Tensor diff = torch.mse_loss(pred.mul(m).reshape(b, -1), x0.mul(m).reshape(b, -1), 0); // [B, CHT]
        Tensor perItem = diff.mean(new long[] {1}, false, new ScalarTypeOptional())
                .mul(m.reshape(b, -1).mean(new long[] {1}, false, new ScalarTypeOptional())); // [B]
        Tensor denoising = perItem.mean();

        Map<String, Tensor> proj = new LinkedHashMap<>();
        if (!ssl.isEmpty()) {
            List<Tensor> projections = output.sslProjections();
            for (int k = 0; k < Math.min(projections.size(), sslNames.size()); k++) {
                List<Tensor> targets = ssl.get(sslNames.get(k));
                if (targets == null) continue;
                proj.put(sslNames.get(k), repa(projections.get(k).to(ScalarType.Float), targets));
            }
        }
        Tensor total = denoising;
        if (!proj.isEmpty()) {
            // trainer.py: total_proj_loss = Σ losses (from 0.0), / count, then loss + total_proj_loss·ssl_coeff.
            Tensor sum = null;
            for (Tensor p : proj.values()) sum = sum == null ? p : sum.add(p);
            total = denoising.add(sum.div(new Scalar(proj.size())).mul(new Scalar(sslCoeff)));
        }
        return new LossTerms(total, denoising, proj);
    }

    /** One REPA head: projections [B, T, dim] against per-item targets [T_b, dim]. */
    static Tensor repa(Tensor projections, List<Tensor> targets) {
        long b = projections.size(0);
        Tensor loss = null;
        for (int j = 0; j < b; j++) {
            Tensor z = targets.get(j).to(projections.device(), ScalarType.Float);       // [T_j, dim]
            long len = z.size(0);
            Tensor zt = torch.upsample_linear1d(projections.get(j).unsqueeze(0).transpose(1, 2),
                    new long[] {len}, false).transpose(1, 2).squeeze(0);                 // [T_j, dim]
            Tensor one = torch.ones(new long[] {len}, new org.bytedeco.pytorch.TensorOptions()
                    .dtype(new ScalarTypeOptional(ScalarType.Float)).device(new org.bytedeco.pytorch.DeviceOptional(z.device())));
            Tensor l = torch.cosine_embedding_loss(normalize(z), normalize(zt), one, 0.0, 1);  // mean reduction
            loss = loss == null ? l : loss.add(l);
        }
        return loss.div(new Scalar(b));
    }

    /** F.normalize(x, p=2, dim=−1, eps=1e-12): x / max(‖x‖, eps). */
    static Tensor normalize(Tensor x) {
        Tensor n = x.norm(new org.bytedeco.pytorch.ScalarOptional(new Scalar(2.0)), new long[] {-1}, true)
                .clamp_min(new Scalar(NORMALIZE_EPS)).expand_as(x);
        return x.div(n);
    }

    /** The heads' names in order. */
    public List<String> sslNames() { return new ArrayList<>(sslNames); }
}
