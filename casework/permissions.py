"""What each staff role may do in its council. One table, read by the views' decorators
(citizen.accounts.decorators.staff_required(roles=…)) and by the tests' matrix."""

from __future__ import annotations

from casework.models import StaffRole

CASEWORK = (StaffRole.CASEWORKER, StaffRole.TEAM_MANAGER, StaffRole.COUNCIL_ADMIN)
MANAGE_TEAM = (StaffRole.COUNCIL_ADMIN,)
DASHBOARD = (StaffRole.TEAM_MANAGER, StaffRole.COUNCIL_ADMIN)
CORRECT_STEPS = (StaffRole.TEAM_MANAGER, StaffRole.COUNCIL_ADMIN)  # a step recorded by mistake
COUNCIL_SETTINGS = (StaffRole.COUNCIL_ADMIN,)
