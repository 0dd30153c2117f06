"""The GDAP lifecycle through Microsoft's Graph SDK for Python (msgraph-sdk),
unchanged, pointed at a Portcullis server instead of graph.microsoft.com.

Run by `tests/api/graph/sdk.rs`, which starts the server and passes:
PORTCULLIS_BASE (http://127.0.0.1:PORT), PARTNER_TOKEN, CUSTOMER_TOKEN,
CUSTOMER_TENANT, GROUP_ID. Prints one line per step; exits non-zero on the
first failed expectation.

Two things differ from calling Graph, both on the caller's side (see
shared/PEERS.md): durations are passed as ISO-8601 strings, because the SDK
writes a `timedelta` as `730 days, 0:00:00`; and `If-Match` goes through
request headers, taken from `@odata.etag` in the body.
"""

import asyncio
import os
import sys

from kiota_abstractions.authentication import (
    AccessTokenProvider,
    AllowedHostsValidator,
    BaseBearerTokenAuthenticationProvider,
)
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph.generated.models.delegated_admin_access_assignment import DelegatedAdminAccessAssignment
from msgraph.generated.models.delegated_admin_access_assignment_status import (
    DelegatedAdminAccessAssignmentStatus,
)
from msgraph.generated.models.delegated_admin_access_container import DelegatedAdminAccessContainer
from msgraph.generated.models.delegated_admin_access_container_type import DelegatedAdminAccessContainerType
from msgraph.generated.models.delegated_admin_access_details import DelegatedAdminAccessDetails
from msgraph.generated.models.delegated_admin_relationship import DelegatedAdminRelationship
from msgraph.generated.models.delegated_admin_relationship_customer_participant import (
    DelegatedAdminRelationshipCustomerParticipant,
)
from msgraph.generated.models.delegated_admin_relationship_request import DelegatedAdminRelationshipRequest
from msgraph.generated.models.delegated_admin_relationship_request_action import (
    DelegatedAdminRelationshipRequestAction,
)
from msgraph.generated.models.delegated_admin_relationship_request_status import (
    DelegatedAdminRelationshipRequestStatus,
)
from msgraph.generated.models.delegated_admin_relationship_status import DelegatedAdminRelationshipStatus
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.unified_role import UnifiedRole
from msgraph.generated.tenant_relationships.delegated_admin_relationships.delegated_admin_relationships_request_builder import (
    DelegatedAdminRelationshipsRequestBuilder,
)

HELPDESK = "729827e3-9c14-49f7-bb1b-9608f156bbb8"
SECURITY_READER = "5d6b6bb7-de71-4623-b4af-96380a352509"


class PortcullisToken(AccessTokenProvider):
    """A Portcullis bearer token in place of an Entra access token."""

    def __init__(self, token: str) -> None:
        self.token = token

    async def get_authorization_token(self, uri, additional_authentication_context=None) -> str:
        return self.token

    def get_allowed_hosts_validator(self) -> AllowedHostsValidator:
        return AllowedHostsValidator([])


def client(base: str, token: str) -> GraphServiceClient:
    adapter = GraphRequestAdapter(BaseBearerTokenAuthenticationProvider(PortcullisToken(token)))
    adapter.base_url = f"{base}/v1.0"
    return GraphServiceClient(request_adapter=adapter)


def check(condition: bool, what: str) -> None:
    if not condition:
        print(f"FAILED: {what}", flush=True)
        sys.exit(1)
    print(f"ok: {what}", flush=True)


def if_match(entity) -> RequestConfiguration:
    config = RequestConfiguration()
    config.headers.add("If-Match", entity.additional_data["@odata.etag"])
    return config


def roles(*ids: str) -> DelegatedAdminAccessDetails:
    return DelegatedAdminAccessDetails(unified_roles=[UnifiedRole(role_definition_id=i) for i in ids])


async def expect_error(call, status: int, code: str, what: str) -> ODataError:
    try:
        await call
    except ODataError as err:
        check(
            err.response_status_code == status and err.error.code == code,
            f"{what}: {status} {code} (got {err.response_status_code} {err.error.code})",
        )
        check(bool(err.error.inner_error and err.error.inner_error.request_id), f"{what}: innerError.request-id")
        return err
    check(False, f"{what}: expected {status} {code}, the call succeeded")
    raise AssertionError


async def main() -> None:
    base = os.environ["PORTCULLIS_BASE"]
    customer_tenant = os.environ["CUSTOMER_TENANT"]
    group = os.environ["GROUP_ID"]
    partner = client(base, os.environ["PARTNER_TOKEN"])
    customer = client(base, os.environ["CUSTOMER_TOKEN"])
    relationships = partner.tenant_relationships.delegated_admin_relationships

    created = await relationships.post(
        DelegatedAdminRelationship(
            display_name="Contoso admin relationship",
            duration="P730D",
            auto_extend_duration="PT0S",
            customer=DelegatedAdminRelationshipCustomerParticipant(tenant_id=customer_tenant),
            access_details=roles(HELPDESK, SECURITY_READER),
        )
    )
    check(created.status == DelegatedAdminRelationshipStatus.Created, "create: status created")
    check(created.duration is not None and created.duration.days == 730, "create: duration P730D")
    check(created.customer.display_name is None, "create: no customer name before it approves")
    rel = relationships.by_delegated_admin_relationship_id(created.id)

    renamed = await rel.patch(DelegatedAdminRelationship(display_name="Renamed by the SDK"), if_match(created))
    check(renamed.display_name == "Renamed by the SDK", "patch with If-Match from @odata.etag")
    await expect_error(
        rel.patch(DelegatedAdminRelationship(display_name="Stale"), if_match(created)),
        412,
        "resourceModified",
        "patch with a stale If-Match",
    )
    await expect_error(
        rel.patch(DelegatedAdminRelationship(display_name="No tag")),
        400,
        "invalidRequest",
        "patch without If-Match",
    )

    assignment = await rel.access_assignments.post(
        DelegatedAdminAccessAssignment(
            access_container=DelegatedAdminAccessContainer(
                access_container_id=group,
                access_container_type=DelegatedAdminAccessContainerType.SecurityGroup,
            ),
            access_details=roles(HELPDESK, SECURITY_READER),
        )
    )
    check(assignment.status == DelegatedAdminAccessAssignmentStatus.Pending, "assignment: pending until approval")

    lock = await rel.requests.post(
        DelegatedAdminRelationshipRequest(action=DelegatedAdminRelationshipRequestAction.LockForApproval)
    )
    check(lock.status == DelegatedAdminRelationshipRequestStatus.Succeeded, "lockForApproval: succeeded")
    await customer.tenant_relationships.delegated_admin_relationships.by_delegated_admin_relationship_id(
        created.id
    ).requests.post(DelegatedAdminRelationshipRequest(action=DelegatedAdminRelationshipRequestAction.Approve))
    active = await rel.get()
    check(active.status == DelegatedAdminRelationshipStatus.Active, "approve: active")
    check(active.customer.display_name == "Fabrikam", "approve: the customer's name once approved")
    check(active.end_date_time > active.activated_date_time, "approve: endDateTime after activatedDateTime")

    second = await relationships.post(
        DelegatedAdminRelationship(
            display_name="Second",
            duration="P30D",
            customer=DelegatedAdminRelationshipCustomerParticipant(tenant_id=customer_tenant),
            access_details=roles(HELPDESK),
        )
    )
    page = await relationships.get(
        RequestConfiguration(
            query_parameters=DelegatedAdminRelationshipsRequestBuilder.DelegatedAdminRelationshipsRequestBuilderGetQueryParameters(
                top=1
            )
        )
    )
    seen = [r.id for r in page.value]
    while page.odata_next_link:
        page = await relationships.with_url(page.odata_next_link).get()
        seen.extend(r.id for r in page.value)
    check(seen == [created.id, second.id], "$top=1 pages through @odata.nextLink")
    filtered = await relationships.get(
        RequestConfiguration(
            query_parameters=DelegatedAdminRelationshipsRequestBuilder.DelegatedAdminRelationshipsRequestBuilderGetQueryParameters(
                filter="status eq 'active'"
            )
        )
    )
    check([r.id for r in filtered.value] == [created.id], "$filter=status eq 'active'")

    listed = await rel.access_assignments.get()
    check([a.status for a in listed.value] == [DelegatedAdminAccessAssignmentStatus.Active], "assignment: active")
    one = rel.access_assignments.by_delegated_admin_access_assignment_id(assignment.id)
    current = await one.get()
    changed = await one.patch(DelegatedAdminAccessAssignment(access_details=roles(SECURITY_READER)), if_match(current))
    check(
        [r.role_definition_id for r in changed.access_details.unified_roles] == [SECURITY_READER],
        "assignment: roles changed under If-Match",
    )
    await one.delete(if_match(changed))
    check((await one.get()).status == DelegatedAdminAccessAssignmentStatus.Deleted, "assignment: deleted")

    customers = await partner.tenant_relationships.delegated_admin_customers.get()
    check([c.tenant_id for c in customers.value] == [customer_tenant], "delegatedAdminCustomers")

    await rel.requests.post(DelegatedAdminRelationshipRequest(action=DelegatedAdminRelationshipRequestAction.Terminate))
    ended = await rel.get()
    check(ended.status == DelegatedAdminRelationshipStatus.TerminationRequested, "terminate: terminationRequested")
    requests = await rel.requests.get()
    check(
        [r.action for r in requests.value]
        == [
            DelegatedAdminRelationshipRequestAction.LockForApproval,
            DelegatedAdminRelationshipRequestAction.Approve,
            DelegatedAdminRelationshipRequestAction.Terminate,
        ],
        "requests: the relationship's history",
    )
    operations = await rel.operations.get()
    check(operations.value == [], "operations: none")

    await expect_error(
        relationships.by_delegated_admin_relationship_id("00000000-0000-4000-8000-000000000000").get(),
        404,
        "itemNotFound",
        "get of an unknown relationship",
    )
    await expect_error(
        customer.tenant_relationships.delegated_admin_relationships.post(
            DelegatedAdminRelationship(
                display_name="Customers do not propose",
                duration="P30D",
                customer=DelegatedAdminRelationshipCustomerParticipant(tenant_id=customer_tenant),
                access_details=roles(HELPDESK),
            )
        ),
        403,
        "accessDenied",
        "a customer admin creating a relationship",
    )
    print("sdk lifecycle passed", flush=True)


asyncio.run(main())
