package dev.lofilora.model.transformer;

import dev.lofilora.nn.Linear;
import dev.lofilora.nn.Module;
import dev.lofilora.nn.NoParams;
import dev.lofilora.nn.Parameter;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * {@code T2IFinalLayer} (research/acestep.md §2.3 steps 8–9): shift, scale = scale_shift_table + embedded_timestep
 * (not temb); torch RMSNorm (eps 1e-6, no affine); x·(1+scale)+shift; Linear D → ph·pw·C; unpatchify
 * [B, T, ph·pw·C] → [B, C, ph, T·pw], zero-padded or cropped along time to the output length.
 */
public final class T2IFinalLayer extends Module {
    public final Parameter scale_shift_table;
    public final Linear linear;
    private final int patchH;
    private final int patchW;
    private final int outChannels;

    public T2IFinalLayer(int dim, int patchH, int patchW, int outChannels) {
        this.patchH = patchH;
        this.patchW = patchW;
        this.outChannels = outChannels;
        module("norm_final", new NoParams("rms_norm"));
        linear = module("linear", new Linear(dim, (long) patchH * patchW * outChannels, true));
        scale_shift_table = parameter("scale_shift_table", 2, dim);
    }

    /** x [B, T, D], embeddedTimestep [B, D] → [B, C, ph, outputLength]. */
    public Tensor forward(Tensor x, Tensor embeddedTimestep, long outputLength) {
        TensorVector ss = scale_shift_table.value().unsqueeze(0).add(embeddedTimestep.unsqueeze(1)).chunk(2, 1);
        Tensor shift = ss.get(0), scale = ss.get(1);                                    // [B, 1, D] each
        Tensor y = RmsNorms.aten(x, 1e-6).mul(scale.add(Ops.s(1))).add(shift);
        y = linear.forward(y);                                                           // [B, T, ph·pw·C]
        long b = y.size(0), w = y.size(1);
        Tensor out = y.reshape(b, 1, w, patchH, patchW, outChannels).contiguous()
                .permute(0, 5, 1, 3, 2, 4)                                               // n h w p q c → n c h p w q
                .reshape(b, outChannels, patchH, w * patchW);                            // [B, C, ph, T·pw]
        long width = w * patchW;
        if (outputLength > width) out = torch.constant_pad_nd(out, 0, outputLength - width);
        else if (outputLength < width) out = out.narrow(3, 0, outputLength);
        return out.contiguous();
    }
}
