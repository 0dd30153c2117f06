//! A baseline: the compiled set of requirement modules and its version.

mod module;

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::BaselineError;
use crate::requirement::Requirement;
use crate::version::BaselineVersion;
use module::{BASELINE_PACKAGE, Module, compile_error};

/// A requirement module loaded into a baseline.
#[derive(Debug, Clone)]
pub(crate) struct LoadedRequirement {
    pub(crate) requirement: Requirement,
    /// `data.<package>.result`.
    pub(crate) result_rule: String,
}

/// A compiled, versioned set of requirements. Build one with
/// [`Baseline::default_partner`] or [`Baseline::load_dir`].
#[derive(Debug, Clone)]
pub struct Baseline {
    engine: regorus::Engine,
    requirements: Vec<LoadedRequirement>,
    version: BaselineVersion,
}

impl Baseline {
    /// The partner baseline that ships with Portcullis.
    pub fn default_partner() -> Result<Self, BaselineError> {
        Self::compile(module::default_partner()?)
    }

    /// The default partner baseline, with the `.rego` files of `dir` added.
    ///
    /// A file whose requirement id, or whose package, equals a default one
    /// replaces it (a `package portcullis.baseline` file replaces the declared
    /// version; a `package portcullis.lib` file replaces the helpers). Files
    /// are read in name order; other files are ignored. Any module that does
    /// not compile or breaks the module convention fails the whole load.
    pub fn load_dir(dir: &Path) -> Result<Self, BaselineError> {
        Self::load_sources(read_sources(dir)?)
    }

    /// The default partner baseline with these operator modules (file name,
    /// Rego source) added, as [`Baseline::load_dir`] adds a directory's
    /// files: how a node puts in force the baseline another node loaded.
    pub fn load_sources(sources: Vec<(String, String)>) -> Result<Self, BaselineError> {
        let mut modules = module::default_partner()?;
        for (file, source) in sources {
            let operator = Module::parse(file, source, true)?;
            if let Some(clash) = modules
                .iter()
                .find(|m| m.from_operator && m.package == operator.package)
            {
                return Err(BaselineError::Invalid {
                    file: operator.file.clone(),
                    message: format!(
                        "package `{}` is already declared by `{}`",
                        operator.package, clash.file
                    ),
                });
            }
            modules.retain(|m| m.package != operator.package);
            modules.push(operator);
        }
        // A first compile learns every requirement's id; defaults whose id an
        // operator module also declares are dropped and the rest recompiled.
        let first = Self::compile(modules.clone())?;
        let mut owner: BTreeMap<&str, &Module> = BTreeMap::new();
        let mut dropped: Vec<String> = Vec::new();
        for (loaded, module) in first
            .requirements
            .iter()
            .zip(modules.iter().filter(|m| m.is_requirement()))
        {
            let id = loaded.requirement.id.as_str();
            match owner.get(id) {
                None => {
                    owner.insert(id, module);
                }
                Some(previous) if previous.from_operator && module.from_operator => {
                    return Err(BaselineError::Invalid {
                        file: module.file.clone(),
                        message: format!(
                            "requirement id `{id}` is already declared by `{}`",
                            previous.file
                        ),
                    });
                }
                Some(previous) => {
                    let default = if module.from_operator {
                        previous
                    } else {
                        module
                    };
                    dropped.push(default.file.clone());
                    if module.from_operator {
                        owner.insert(id, module);
                    }
                }
            }
        }
        if dropped.is_empty() {
            return Ok(first);
        }
        modules.retain(|m| !dropped.contains(&m.file));
        Self::compile(modules)
    }

    /// The requirements, in load order.
    pub fn requirements(&self) -> impl Iterator<Item = &Requirement> {
        self.requirements.iter().map(|l| &l.requirement)
    }

    /// The version recorded in every report made with this baseline.
    #[must_use]
    pub fn version(&self) -> &BaselineVersion {
        &self.version
    }

    pub(crate) fn loaded(&self) -> &[LoadedRequirement] {
        &self.requirements
    }

    pub(crate) fn engine(&self) -> &regorus::Engine {
        &self.engine
    }

    fn compile(modules: Vec<Module>) -> Result<Self, BaselineError> {
        let mut engine = regorus::Engine::new();
        for m in &modules {
            engine
                .add_policy(m.file.clone(), m.source.clone())
                .map_err(|e| compile_error(&m.file, &e))?;
        }
        let mut requirements = Vec::new();
        for m in modules.iter().filter(|m| m.is_requirement()) {
            requirements.push(LoadedRequirement {
                requirement: read_requirement(&mut engine, m)?,
                result_rule: format!("{}.result", m.package),
            });
        }
        let declared = match engine.eval_rule(format!("{BASELINE_PACKAGE}.version")) {
            Ok(regorus::Value::String(v)) => v.to_string(),
            Ok(regorus::Value::Undefined) => "unversioned".to_owned(),
            Ok(other) => {
                return Err(BaselineError::Invalid {
                    file: "portcullis.baseline".to_owned(),
                    message: format!("`version` must be a string, not `{other}`"),
                });
            }
            Err(e) => return Err(compile_error("portcullis.baseline", &e)),
        };
        let sources: Vec<(String, String)> =
            modules.into_iter().map(|m| (m.package, m.source)).collect();
        Ok(Self {
            engine,
            requirements,
            version: BaselineVersion::of(declared, &sources),
        })
    }
}

/// Evaluates a module's `requirement` rule and checks the convention.
fn read_requirement(
    engine: &mut regorus::Engine,
    m: &Module,
) -> Result<Requirement, BaselineError> {
    let invalid = |message: String| BaselineError::Invalid {
        file: m.file.clone(),
        message,
    };
    let declares = |rule: &str| {
        engine
            .has_declared_rule_rooted_at(&m.file, rule)
            .map_err(|e| compile_error(&m.file, &e))
    };
    if !declares("requirement")? {
        return Err(invalid("declares no `requirement` object".to_owned()));
    }
    if !declares("result")? {
        return Err(invalid("declares no `result` rule".to_owned()));
    }
    let value = engine
        .eval_rule(format!("{}.requirement", m.package))
        .map_err(|e| compile_error(&m.file, &e))?;
    if value == regorus::Value::Undefined {
        return Err(invalid("declares no `requirement` object".to_owned()));
    }
    let json = value
        .to_json_str()
        .map_err(|e| invalid(format!("`requirement` is not JSON: {e}")))?;
    let mut de = serde_json::Deserializer::from_str(&json);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let text = e.inner().to_string();
        let message = text
            .rfind(" at line ")
            .map_or(text.as_str(), |at| text.get(..at).unwrap_or_default());
        let path = e.path().to_string();
        let field = if path == "." {
            "requirement".to_owned()
        } else {
            format!("requirement.{path}")
        };
        invalid(format!("`{field}` is invalid: {message}"))
    })
}

/// The `.rego` files of `dir`, in name order: (file, source) pairs for
/// [`Baseline::load_sources`].
pub fn read_sources(dir: &Path) -> Result<Vec<(String, String)>, BaselineError> {
    let io = |path: &Path, e: std::io::Error| BaselineError::Io {
        path: path.to_owned(),
        message: e.to_string(),
    };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| io(dir, e))? {
        let path = entry.map_err(|e| io(dir, e))?.path();
        if path.extension().is_some_and(|ext| ext == "rego") && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let source = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
            Ok((path.display().to_string(), source))
        })
        .collect()
}
