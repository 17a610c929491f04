//! The conventions pass: which operations page through their results and
//! which take the envelope parameter, by the API's naming conventions in the
//! config (`config::Paging`, `config::Envelope`; Atlas's by default).

use crate::config::{Envelope, Paging as PagingConfig};
use crate::ir::*;

/// Fills in `paging` and `envelope` on every operation of `api`.
pub fn assign(api: &mut Api, paging: &PagingConfig, envelope: &Envelope) {
    let types = &api.types;
    for op in &mut api.operations {
        op.paging = if paging.enabled {
            paging_of(types, op, paging)
        } else {
            None
        };
        op.envelope = if envelope.enabled {
            op.params
                .iter()
                .find(|p| {
                    p.wire == envelope.param
                        && p.location == ParamLocation::Query
                        && p.ty == TypeRef::Bool
                })
                .map(|p| p.name.clone())
        } else {
            None
        };
    }
}

fn paging_of(types: &[TypeDef], op: &Operation, config: &PagingConfig) -> Option<Paging> {
    let page_param = op.params.iter().find(|p| {
        p.wire == config.page
            && p.location == ParamLocation::Query
            && matches!(p.ty, TypeRef::I32 | TypeRef::I64)
    })?;
    op.params
        .iter()
        .find(|p| p.wire == config.page_size && p.location == ParamLocation::Query)?;
    let Some(TypeRef::Model(name)) = &op.success_type else {
        return None;
    };
    let def = types.iter().find(|t| &t.name == name)?;
    let TypeKind::Struct(s) = &def.kind else {
        return None;
    };
    let items = s.fields.iter().find(|f| f.wire == config.items)?;
    let TypeRef::List(item) = &items.ty else {
        return None;
    };
    let total = s
        .fields
        .iter()
        .find(|f| f.wire == config.total && matches!(f.ty, TypeRef::I32 | TypeRef::I64));
    Some(Paging {
        page_param: page_param.name.clone(),
        page_ty: page_param.ty.clone(),
        page_required: page_param.required,
        items_field: items.name.clone(),
        items_presence: items.presence(),
        item_ty: (**item).clone(),
        total_field: total.map(|t| (t.name.clone(), t.presence())),
        total_wire: config.total.clone(),
    })
}
