using Academy.Learning.Model;
using Academy.Learning.People;

namespace Academy.Tests.Learning;

/// <summary>Who may do what where: the rule the turn pipeline, /bind and the liaison tools all apply.</summary>
public class RolesTests
{
    private const long MyGroup = 10, OtherGroup = 20;

    private static Enrollment Learner(long group, long cohort = 1) => new(cohort, 7, group, Role.Learner);
    private static Enrollment Liaison(long group, long cohort = 1) => new(cohort, 7, group, Role.Liaison);
    private static Enrollment Admin(long cohort = 1) => new(cohort, 7, null, Role.Admin);

    [Theory]
    [InlineData(true, null)]
    [InlineData(false, null)]
    [InlineData(false, MyGroup)]
    [InlineData(false, OtherGroup)]
    public void An_admin_is_an_admin_anywhere(bool isPrivate, long? groupHere) =>
        // Even enrolled as a learner of another group in a later cohort: admin rights are global.
        Assert.Equal(Role.Admin, Roles.Here([Learner(OtherGroup, cohort: 2), Admin()], groupHere, isPrivate));

    [Fact]
    public void A_liaison_is_a_liaison_in_private() =>
        Assert.Equal(Role.Liaison, Roles.Here([Liaison(MyGroup)], groupId: null, isPrivate: true));

    [Fact]
    public void A_liaison_is_a_liaison_in_their_own_groups_chat() =>
        Assert.Equal(Role.Liaison, Roles.Here([Liaison(OtherGroup, cohort: 2), Liaison(MyGroup)], MyGroup, isPrivate: false));

    [Fact]
    public void A_liaison_is_a_liaison_in_a_chat_not_bound_yet() =>
        // Where /bind then checks the group it names.
        Assert.Equal(Role.Liaison, Roles.Here([Liaison(MyGroup)], groupId: null, isPrivate: false));

    [Fact]
    public void A_liaison_is_a_learner_in_another_groups_chat() =>
        Assert.Equal(Role.Learner, Roles.Here([Liaison(MyGroup), Learner(OtherGroup, cohort: 2)], OtherGroup, isPrivate: false));

    [Theory]
    [InlineData(true, null)]
    [InlineData(false, MyGroup)]
    [InlineData(false, null)]
    public void A_learner_is_a_learner_everywhere(bool isPrivate, long? groupHere) =>
        Assert.Equal(Role.Learner, Roles.Here([Learner(MyGroup)], groupHere, isPrivate));

    [Fact]
    public void Someone_enrolled_nowhere_is_a_learner() =>
        Assert.Equal(Role.Learner, Roles.Here([], groupId: null, isPrivate: true));

    [Fact]
    public void Only_an_admin_or_that_groups_liaison_runs_a_group()
    {
        Assert.True(Roles.Runs([Admin()], MyGroup));
        Assert.True(Roles.Runs([Liaison(MyGroup)], MyGroup));
        Assert.False(Roles.Runs([Liaison(OtherGroup)], MyGroup));
        Assert.False(Roles.Runs([Learner(MyGroup)], MyGroup));
        Assert.False(Roles.Runs([], MyGroup));
    }

    [Fact]
    public void The_highest_role_held_anywhere()
    {
        Assert.Equal(Role.Admin, Roles.Highest([Learner(MyGroup), Admin(cohort: 2), Liaison(OtherGroup)]));
        Assert.Equal(Role.Liaison, Roles.Highest([Learner(MyGroup), Liaison(OtherGroup)]));
        Assert.Equal(Role.Learner, Roles.Highest([]));
    }
}
