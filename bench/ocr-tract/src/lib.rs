//! The card reader's models run by tract (Sonos' ONNX runtime in pure Rust), compiled to
//! WebAssembly with SIMD: the second engine of the card benchmark, measured against
//! onnxruntime-web on the same cards and the same pre- and post-processing (`public/ocr-worker.js`
//! loaded with `engine: 'tract'`; `end2end/bench/cards.mjs --engines`). The product ships
//! onnxruntime-web, the faster of the two on this machine (bench-results/ocr-engines.json); this
//! crate stays so that the comparison can be run again.
//!
//! A model is optimised for the input shapes it meets, each once, and kept: tract 0.23 cannot
//! optimise these two for any size.

use std::collections::HashMap;
use std::sync::Arc;

use tract_onnx::prelude::*;
use wasm_bindgen::prelude::*;

/// One ONNX model, optimised for any input size where tract can, else once for each input shape
/// it is given, and the shape of its last output.
#[wasm_bindgen]
pub struct Model {
    source: InferenceModel,
    any_size: Option<Arc<TypedRunnableModel>>,
    by_shape: HashMap<Vec<usize>, Arc<TypedRunnableModel>>,
    dims: Vec<u32>,
}

#[wasm_bindgen]
impl Model {
    /// `height`: the input's fixed height (the recogniser's 48), or none for any.
    #[wasm_bindgen(constructor)]
    pub fn new(bytes: &[u8], height: Option<u32>) -> Result<Model, JsError> {
        Model::load(bytes, height).map_err(|e| JsError::new(&format!("{e:?}")))
    }

    /// Runs the model on one NCHW `float32` input; returns its first output, flat.
    pub fn run(&mut self, data: &[f32], dims: &[u32]) -> Result<Vec<f32>, JsError> {
        self.infer(data, dims).map_err(|e| JsError::new(&format!("{e:?}")))
    }

    /// The shape of the last output.
    pub fn dims(&self) -> Vec<u32> {
        self.dims.clone()
    }

    /// Whether one plan serves every input size.
    pub fn any_size(&self) -> bool {
        self.any_size.is_some()
    }
}

impl Model {
    pub fn load(bytes: &[u8], height: Option<u32>) -> TractResult<Model> {
        let source = tract_onnx::onnx().model_for_read(&mut &bytes[..])?;
        let mut symbolic = source.clone();
        let batch = symbolic.symbols.sym("N");
        let h: TDim = match height {
            Some(h) => (h as i64).into(),
            None => symbolic.symbols.sym("H").into(),
        };
        let w = symbolic.symbols.sym("W");
        symbolic.set_input_fact(0, f32::fact([batch.into(), 3.into(), h, w.into()]).into())?;
        // Fails for both models with tract 0.23 (the detector: its pyramid's sides do not
        // unify; the recogniser: a reshape whose shape is computed), which then take a plan per
        // input shape.
        let any_size = symbolic.into_optimized().and_then(|m| m.into_runnable()).ok();
        Ok(Model { source, any_size, by_shape: HashMap::new(), dims: Vec::new() })
    }

    pub fn infer(&mut self, data: &[f32], dims: &[u32]) -> TractResult<Vec<f32>> {
        let shape: Vec<usize> = dims.iter().map(|&d| d as usize).collect();
        let plan = match &self.any_size {
            Some(plan) => plan.clone(),
            None => match self.by_shape.get(&shape) {
                Some(plan) => plan.clone(),
                None => {
                    let mut model = self.source.clone();
                    model.set_input_fact(0, f32::fact(&shape).into())?;
                    let plan = model.into_optimized()?.into_runnable()?;
                    self.by_shape.insert(shape.clone(), plan.clone());
                    plan
                }
            },
        };
        let input = tract_ndarray::ArrayD::from_shape_vec(shape, data.to_vec())?;
        let outputs = plan.run(tvec!(Tensor::from(input).into()))?;
        let output = outputs[0].to_plain_array_view::<f32>()?;
        self.dims = output.shape().iter().map(|&d| d as u32).collect();
        Ok(output.iter().copied().collect())
    }
}
